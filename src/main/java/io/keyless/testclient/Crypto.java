package io.keyless.testclient;

import io.keyless.protocol.KeylessHash;
import io.keyless.protocol.KeylessOpcode;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Arrays;

/** What a TLS peer of the edge does with the key server's results: hashing, encrypting, verifying. */
final class Crypto {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Crypto() {
    }

    static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The hash a TLS stack would ask the key server to sign for {@code message}. */
    static byte[] hash(KeylessHash hash, byte[] message) throws GeneralSecurityException {
        if (hash == KeylessHash.MD5SHA1) {
            byte[] both = Arrays.copyOf(MessageDigest.getInstance("MD5").digest(message), 36);
            System.arraycopy(MessageDigest.getInstance("SHA-1").digest(message), 0, both, 16, 20);
            return both;
        }
        return MessageDigest.getInstance(hash.name().replace("SHA", "SHA-")).digest(message);
    }

    /** Whether {@code signature} is the opcode's signature of {@code message} by the private half of the key. */
    static boolean verifies(KeylessOpcode opcode, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        boolean rsa = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN;
        if (opcode.hash() == KeylessHash.MD5SHA1) {
            byte[] expected = hash(KeylessHash.MD5SHA1, message);
            if (rsa) {
                // No DigestInfo: the signature is the padded hash itself.
                Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                cipher.init(Cipher.DECRYPT_MODE, key);
                try {
                    return Arrays.equals(cipher.doFinal(signature), expected);
                } catch (GeneralSecurityException e) {
                    return false;
                }
            }
            Signature verifier = Signature.getInstance("NONEwithECDSA");
            verifier.initVerify(key);
            verifier.update(expected);
            return verifies(verifier, signature);
        }
        Signature verifier = Signature.getInstance(opcode.hash().name() + "with" + (rsa ? "RSA" : "ECDSA"));
        verifier.initVerify(key);
        verifier.update(message);
        return verifies(verifier, signature);
    }

    private static boolean verifies(Signature verifier, byte[] signature) {
        try {
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Encrypts with PKCS#1 v1.5 padding, as a TLS client encrypts its premaster secret. */
    static byte[] encrypt(PublicKey key, byte[] plaintext) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, key);
        return cipher.doFinal(plaintext);
    }

    /**
     * Removes PKCS#1 v1.5 encryption padding ({@code 00 02 nonzero... 00 message}) from a raw-decrypted block, or
     * returns {@code null} if the block is not padded that way.
     */
    static byte[] unpad(byte[] block) {
        if (block.length < 11 || block[0] != 0 || block[1] != 2) {
            return null;
        }
        for (int i = 2; i < block.length; i++) {
            if (block[i] == 0) {
                return i < 10 ? null : Arrays.copyOfRange(block, i + 1, block.length);
            }
        }
        return null;
    }
}
