package io.keyless.testing;

import io.keyless.protocol.KeylessHash;
import io.keyless.protocol.KeylessOpcode;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/**
 * Checks the server's outputs the way a TLS peer would, with BouncyCastle rather than the JDK providers the server
 * uses, so that the two never share a mistake.
 */
public final class Signatures {
    private Signatures() {
    }

    /** The hash a TLS stack would send for {@code message} with the opcode's hash. */
    public static byte[] hash(KeylessHash hash, byte[] message) {
        try {
            if (hash == KeylessHash.MD5SHA1) {
                byte[] md5 = MessageDigest.getInstance("MD5").digest(message);
                byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(message);
                byte[] both = Arrays.copyOf(md5, 36);
                System.arraycopy(sha1, 0, both, 16, 20);
                return both;
            }
            return MessageDigest.getInstance(hash.name().replace("SHA", "SHA-")).digest(message);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether {@code signature} is the opcode's signature of {@code message} under {@code publicKey}. */
    public static boolean verifies(KeylessOpcode opcode, PublicKey publicKey, byte[] message, byte[] signature) {
        try {
            boolean rsa = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN;
            if (opcode.hash() == KeylessHash.MD5SHA1) {
                byte[] expected = hash(KeylessHash.MD5SHA1, message);
                if (rsa) {
                    Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding", TestKeys.BC);
                    cipher.init(Cipher.DECRYPT_MODE, publicKey);
                    return Arrays.equals(cipher.doFinal(signature), expected);
                }
                Signature verifier = Signature.getInstance("NONEwithECDSA", TestKeys.BC);
                verifier.initVerify(publicKey);
                verifier.update(expected);
                return verifier.verify(signature);
            }
            String algorithm = opcode.hash().name() + "with" + (rsa ? "RSA" : "ECDSA");
            Signature verifier = Signature.getInstance(algorithm, TestKeys.BC);
            verifier.initVerify(publicKey);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Encrypts {@code plaintext} for the key with PKCS#1 v1.5 padding, as a TLS client encrypts a premaster. */
    public static byte[] encrypt(PublicKey publicKey, byte[] plaintext) {
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding", TestKeys.BC);
            cipher.init(Cipher.ENCRYPT_MODE, publicKey);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
