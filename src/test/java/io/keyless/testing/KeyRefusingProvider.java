package io.keyless.testing;

import javax.crypto.CipherSpi;
import javax.crypto.NoSuchPaddingException;
import java.security.AlgorithmParameters;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureSpi;
import java.security.spec.AlgorithmParameterSpec;

/**
 * A JCA provider whose RSA ciphers and ECDSA signatures refuse every key at initialisation, as a hardware-backed
 * provider does when the key it holds has become unreadable. Nothing on this machine fails that way for real.
 */
public final class KeyRefusingProvider extends Provider {
    private static final long serialVersionUID = 1L;

    public KeyRefusingProvider() {
        super("KeyRefusing", "1", "refuses every key");
        put("Cipher.RSA", RefusingCipher.class.getName());
        put("Cipher.RSA SupportedPaddings", "NOPADDING|PKCS1PADDING");
        put("Cipher.RSA SupportedModes", "ECB");
        put("Signature.NONEwithECDSA", RefusingSignature.class.getName());
    }

    /** An ECDSA signature that cannot read any key. */
    public static final class RefusingSignature extends SignatureSpi {
        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            throw new InvalidKeyException("key material unavailable");
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            throw new InvalidKeyException("key material unavailable");
        }

        @Override
        protected void engineUpdate(byte b) {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected byte[] engineSign() {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            throw new IllegalStateException("not initialised");
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

    /** An RSA cipher that cannot read any key. */
    public static final class RefusingCipher extends CipherSpi {
        @Override
        protected void engineSetMode(String mode) throws NoSuchAlgorithmException {
        }

        @Override
        protected void engineSetPadding(String padding) throws NoSuchPaddingException {
        }

        @Override
        protected int engineGetBlockSize() {
            return 0;
        }

        @Override
        protected int engineGetOutputSize(int inputLen) {
            return 0;
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
            throw new InvalidKeyException("key material unavailable");
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException {
            throw new InvalidKeyException("key material unavailable");
        }

        @Override
        protected void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
                throws InvalidKeyException {
            throw new InvalidKeyException("key material unavailable");
        }

        @Override
        protected byte[] engineUpdate(byte[] input, int inputOffset, int inputLen) {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected int engineUpdate(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset) {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected byte[] engineDoFinal(byte[] input, int inputOffset, int inputLen) {
            throw new IllegalStateException("not initialised");
        }

        @Override
        protected int engineDoFinal(byte[] input, int inputOffset, int inputLen, byte[] output, int outputOffset) {
            throw new IllegalStateException("not initialised");
        }
    }
}
