package io.keyless.crypto;

import io.keyless.keys.EcCurve;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Provider;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Performs the private-key operation an opcode asks for, through JCA on the providers chosen per key family.
 *
 * <p>A request passes three steps: {@link #check} and {@link #input} on the network thread (cheap: a request that
 * must fail is answered at once, and the payload is copied once, into the array the provider takes), then
 * {@link #execute} on a worker thread. Each thread keeps its own cipher and signature engines, created once.
 */
public final class KeyOperations {
    private final CryptoProviders providers;
    private final ThreadLocal<Engines> engines = ThreadLocal.withInitial(this::newEngines);

    public KeyOperations(CryptoProviders providers) {
        this.providers = providers;
    }

    /** Names the provider of each key family, for the start-up log. */
    public String describe() {
        return providers.describe();
    }

    public CryptoProviders providers() {
        return providers;
    }

    /**
     * Checks that an input of {@code payloadLength} bytes fits the opcode and the key, without doing the operation.
     *
     * @throws KeylessProtocolException CRYPTO_FAILED: the key is of the wrong type, the hash of the wrong length, or
     *         the ciphertext longer than the modulus
     * @throws IllegalArgumentException if the opcode needs no key
     */
    public static void check(KeylessOpcode opcode, LoadedKey key, int payloadLength)
            throws KeylessProtocolException {
        KeyType needed;
        switch (opcode.kind()) {
            case RSA_DECRYPT, RSA_DECRYPT_RAW, RSA_SIGN -> needed = KeyType.RSA;
            case ECDSA_SIGN -> needed = KeyType.EC;
            default -> throw new IllegalArgumentException(opcode + " is not a key operation");
        }
        if (key.type() != needed) {
            throw failed(opcode + " needs an " + needed + " key, not " + key.describe());
        }
        if (opcode.hash() != null && payloadLength != opcode.hash().length()) {
            throw failed(opcode + " needs a " + opcode.hash().length() + "-byte hash, got " + payloadLength);
        }
        if (opcode.hash() == null && payloadLength > key.modulusLength()) {
            throw failed("ciphertext of " + payloadLength + " bytes is longer than the " + key.modulusLength()
                    + "-byte modulus");
        }
    }

    /**
     * Copies a checked payload into the array the provider takes: a ciphertext right-aligned in an array of the
     * modulus length (the same number; some providers take nothing shorter), a hash after its DigestInfo prefix
     * for RSA signatures, a hash as it is for ECDSA. The buffer is read, not consumed.
     */
    public static byte[] input(KeylessOpcode opcode, LoadedKey key, ByteBuf payload) {
        int length = payload.readableBytes();
        return switch (opcode.kind()) {
            case RSA_DECRYPT, RSA_DECRYPT_RAW -> {
                byte[] ciphertext = new byte[key.modulusLength()];
                payload.getBytes(payload.readerIndex(), ciphertext, ciphertext.length - length, length);
                yield ciphertext;
            }
            case RSA_SIGN -> DigestInfoPrefix.wrap(opcode.hash(), payload);
            default -> {
                byte[] hash = new byte[length];
                payload.getBytes(payload.readerIndex(), hash);
                yield hash;
            }
        };
    }

    /**
     * Runs one operation on an input made by {@link #input}.
     *
     * @return the response payload
     * @throws KeylessProtocolException CRYPTO_FAILED when the operation fails (bad padding, a ciphertext not
     *         below the modulus); READ_ERROR when the provider cannot use the key
     */
    public byte[] execute(KeylessOpcode opcode, LoadedKey key, byte[] input) throws KeylessProtocolException {
        if (opcode.kind() == KeylessOpcode.Kind.RSA_DECRYPT || opcode.kind() == KeylessOpcode.Kind.RSA_DECRYPT_RAW) {
            if (!key.isBelowModulus(input)) {
                throw failed("ciphertext is not below the modulus");
            }
        }
        Engines mine = engines.get();
        try {
            return switch (opcode.kind()) {
                case RSA_DECRYPT -> rsa(mine.pkcs1, Cipher.DECRYPT_MODE, key, input);
                case RSA_DECRYPT_RAW -> leftPad(rsa(mine.raw, Cipher.DECRYPT_MODE, key, input), key.modulusLength());
                // A PKCS#1 v1.5 signature is the private-key "encryption" of the DigestInfo with block type 1
                // padding; every provider's cipher does that, not every provider has NONEwithRSA.
                case RSA_SIGN -> rsa(mine.pkcs1, Cipher.ENCRYPT_MODE, key, input);
                case ECDSA_SIGN -> ecdsa(mine.ecdsa[key.curve().ordinal()], key, input);
                default -> throw new IllegalArgumentException(opcode + " is not a key operation");
            };
        } catch (InvalidKeyException e) {
            throw new KeylessProtocolException(KeylessError.READ_ERROR, "provider cannot use the key: " + e);
        } catch (BadPaddingException | IllegalBlockSizeException | SignatureException e) {
            throw failed(opcode + " failed: " + e.getMessage());
        }
    }

    /** Checks, copies and runs in one call: for callers off the request path. */
    public byte[] perform(KeylessOpcode opcode, LoadedKey key, byte[] payload) throws KeylessProtocolException {
        check(opcode, key, payload.length);
        return execute(opcode, key, input(opcode, key, Unpooled.wrappedBuffer(payload)));
    }

    private static byte[] rsa(Cipher cipher, int mode, LoadedKey key, byte[] input)
            throws InvalidKeyException, BadPaddingException, IllegalBlockSizeException {
        cipher.init(mode, key.privateKey());
        return cipher.doFinal(input);
    }

    private static byte[] ecdsa(Signature signature, LoadedKey key, byte[] hash)
            throws InvalidKeyException, SignatureException {
        signature.initSign(key.privateKey());
        signature.update(hash);
        return signature.sign();
    }

    static byte[] leftPad(byte[] value, int length) {
        if (value.length >= length) {
            return value;
        }
        byte[] padded = new byte[length];
        System.arraycopy(value, 0, padded, length - value.length, value.length);
        return padded;
    }

    private static KeylessProtocolException failed(String reason) {
        return new KeylessProtocolException(KeylessError.CRYPTO_FAILED, reason);
    }

    private Engines newEngines() {
        try {
            Provider rsa = providers.provider(KeyFamily.RSA);
            Signature[] ecdsa = new Signature[EcCurve.values().length];
            for (EcCurve curve : EcCurve.values()) {
                Provider provider = providers.provider(KeyFamily.of(KeyType.EC, curve));
                ecdsa[curve.ordinal()] = JcaEngines.rawEcdsa(provider);
            }
            return new Engines(JcaEngines.cipher("RSA/ECB/PKCS1Padding", rsa),
                    JcaEngines.cipher("RSA/ECB/NoPadding", rsa), ecdsa);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("crypto provider lacks an engine it passed its self-test with", e);
        }
    }

    /** One thread's engines; JCA engines are not thread-safe. ECDSA engines are indexed by curve. */
    private record Engines(Cipher pkcs1, Cipher raw, Signature[] ecdsa) {
    }
}
