package io.keyless.crypto;

import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessProtocolException;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Provider;
import java.security.Signature;
import java.security.SignatureException;

/**
 * Performs the private-key operation an opcode asks for, through JCA so that the provider can be chosen.
 *
 * <p>Thread-safe: each thread keeps its own cipher and signature engines, created once, so a request costs no
 * provider lookup. Call it from worker threads only: an RSA-2048 operation takes about a millisecond.
 */
public final class KeyOperations {
    private final Provider rsaProvider;
    private final Provider ecProvider;
    private final ThreadLocal<Engines> engines = ThreadLocal.withInitial(this::newEngines);

    /**
     * @param rsaProvider the provider for RSA ciphers, or {@code null} for the JDK's preferred one
     * @param ecProvider the provider for ECDSA, or {@code null} for the JDK's preferred one
     */
    public KeyOperations(Provider rsaProvider, Provider ecProvider) {
        this.rsaProvider = rsaProvider;
        this.ecProvider = ecProvider;
    }

    /** Names the providers in use, for the start-up log. */
    public String describe() {
        Engines mine = engines.get();
        return "rsa=" + mine.pkcs1.getProvider().getName() + " ecdsa=" + mine.ecdsa.getProvider().getName();
    }

    /**
     * Runs one operation.
     *
     * @param opcode an opcode that needs a key
     * @param payload the request's payload; not modified
     * @return the response payload
     * @throws KeylessProtocolException CRYPTO_FAILED when the input does not fit the opcode or the key, or the
     *         operation fails; READ_ERROR when the provider cannot use the key
     */
    public byte[] perform(KeylessOpcode opcode, LoadedKey key, byte[] payload) throws KeylessProtocolException {
        check(opcode, key, payload.length);
        try {
            switch (opcode.kind()) {
                case RSA_DECRYPT:
                    return rsa(engines.get().pkcs1, Cipher.DECRYPT_MODE, key, payload);
                case RSA_DECRYPT_RAW:
                    return leftPad(rsa(engines.get().raw, Cipher.DECRYPT_MODE, key, payload), key.modulusLength());
                case RSA_SIGN:
                    // A PKCS#1 v1.5 signature is the private-key "encryption" of the DigestInfo with block type 1
                    // padding; every provider's cipher does that, not every provider has NONEwithRSA.
                    return rsa(engines.get().pkcs1, Cipher.ENCRYPT_MODE, key,
                            DigestInfoPrefix.wrap(opcode.hash(), payload));
                case ECDSA_SIGN:
                    return ecdsa(engines.get().ecdsa, key, payload);
                default:
                    throw new IllegalStateException(opcode + " passed the check");
            }
        } catch (InvalidKeyException e) {
            throw new KeylessProtocolException(KeylessError.READ_ERROR, "provider cannot use the key: " + e);
        } catch (BadPaddingException | IllegalBlockSizeException | SignatureException e) {
            throw failed(opcode + " failed: " + e.getMessage());
        }
    }

    /**
     * Checks that an input of {@code payloadLength} bytes fits the opcode and the key, without doing the operation:
     * cheap enough to run before a request is queued for a worker, so that no worker time or queue memory goes to
     * a request that must fail.
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

    private static byte[] leftPad(byte[] value, int length) {
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
            return new Engines(
                    rsaProvider == null ? Cipher.getInstance("RSA/ECB/PKCS1Padding")
                            : Cipher.getInstance("RSA/ECB/PKCS1Padding", rsaProvider),
                    rsaProvider == null ? Cipher.getInstance("RSA/ECB/NoPadding")
                            : Cipher.getInstance("RSA/ECB/NoPadding", rsaProvider),
                    ecProvider == null ? Signature.getInstance("NONEwithECDSA")
                            : Signature.getInstance("NONEwithECDSA", ecProvider));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("crypto provider lacks an engine the key server needs", e);
        }
    }

    /** One thread's engines; JCA engines are not thread-safe. */
    private record Engines(Cipher pkcs1, Cipher raw, Signature ecdsa) {
    }
}
