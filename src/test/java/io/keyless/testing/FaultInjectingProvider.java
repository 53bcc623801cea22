package io.keyless.testing;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import java.io.ByteArrayOutputStream;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A JCA provider that does the JDK's RSA and ECDSA, except when an ECDSA digest asks it to misbehave: a digest
 * starting with {@link #FAIL} makes signing throw an unchecked exception, as a buggy or unplugged provider would;
 * one starting with {@link #STALL} and a count {@code n} signs after {@code n} × 100 ms, as a slow hardware module
 * would; one starting with {@link #HOLD} waits until the test {@linkplain #release releases} it (30 s at most), so
 * that a test can look at a server with operations known to be running and queued. Nothing on this machine fails
 * or stalls on demand for real.
 */
public final class FaultInjectingProvider extends Provider {
    public static final byte FAIL = (byte) 0xEE;
    public static final byte STALL = (byte) 0x51;
    public static final byte HOLD = (byte) 0x4B;

    private static final long serialVersionUID = 1L;
    private static final Semaphore RELEASED = new Semaphore(0);
    private static final long HOLD_LIMIT_SECONDS = 30;

    public FaultInjectingProvider() {
        super("FaultInjecting", "1", "the JDK's RSA and ECDSA, with faults on request");
        put("Cipher.RSA", DelegatingCipher.class.getName());
        put("Cipher.RSA SupportedPaddings", "NOPADDING|PKCS1PADDING");
        put("Cipher.RSA SupportedModes", "ECB");
        put("Signature.NONEwithECDSA", FaultySignature.class.getName());
    }

    /** Lets {@code operations} held operations go on (and as many later ones pass without waiting). */
    public static void release(int operations) {
        RELEASED.release(operations);
    }

    /** The JDK's raw ECDSA, with the faults the digest asks for. */
    public static final class FaultySignature extends SignatureSpi {
        private final Signature real;
        private final ByteArrayOutputStream digest = new ByteArrayOutputStream();

        public FaultySignature() throws GeneralSecurityException {
            real = Signature.getInstance("NONEwithECDSA", "SunEC");
        }

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            real.initVerify(publicKey);
            digest.reset();
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            real.initSign(privateKey);
            digest.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            digest.write(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            digest.write(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            byte[] hash = digest.toByteArray();
            digest.reset();
            if (hash.length > 1 && hash[0] == FAIL) {
                throw new IllegalStateException("injected provider fault");
            }
            if (hash.length > 1 && hash[0] == STALL) {
                try {
                    Thread.sleep(100L * hash[1]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SignatureException("interrupted while stalling", e);
                }
            }
            if (hash.length > 1 && hash[0] == HOLD) {
                hold();
            }
            real.update(hash);
            return real.sign();
        }

        private static void hold() throws SignatureException {
            try {
                if (!RELEASED.tryAcquire(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new SignatureException("held for " + HOLD_LIMIT_SECONDS + " s and never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SignatureException("interrupted while held", e);
            }
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            real.update(digest.toByteArray());
            digest.reset();
            return real.verify(sigBytes);
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameters");
        }
    }

    /** The JDK's RSA cipher, unchanged. */
    public static final class DelegatingCipher extends CipherSpi {
        private String padding = "PKCS1Padding";
        private Cipher real;

        @Override
        protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
            if (!mode.equalsIgnoreCase("ECB")) {
                throw new NoSuchAlgorithmException("ECB only");
            }
        }

        @Override
        protected void engineSetPadding(String padding) throws NoSuchPaddingException {
            this.padding = padding;
        }

        @Override
        protected int engineGetBlockSize() {
            return 0;
        }

        @Override
        protected int engineGetOutputSize(int inputLen) {
            return real.getOutputSize(inputLen);
        }

        @Override
        protected byte[] engineGetIV() {
            return null;
        }

        @Override
        protected AlgorithmParameters engineGetParameters() {
            return null;
        }

        @Override
        protected void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
            try {
                real = Cipher.getInstance("RSA/ECB/" + padding, "SunJCE");
            } catch (GeneralSecurityException e) {
                throw new InvalidKeyException("no JDK RSA cipher with " + padding, e);
            }
            real.init(opmode, key, random);
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException {
            engineInit(opmode, key, random);
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
                throws InvalidKeyException {
            engineInit(opmode, key, random);
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
            return real.update(input, inputOffset, inputLen);
        }

        @Override
        protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset) {
            throw new UnsupportedOperationException("the key server passes whole inputs to doFinal");
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen)
                throws IllegalBlockSizeException, BadPaddingException {
            return real.doFinal(input, inputOffset, inputLen);
        }

        @Override
        protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset) {
            throw new UnsupportedOperationException("the key server passes whole inputs to doFinal");
        }
    }
}
