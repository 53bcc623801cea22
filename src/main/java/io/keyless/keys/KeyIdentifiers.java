package io.keyless.keys;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The two names a request can give a key by: the reference server's digest and the subject key identifier.
 */
public final class KeyIdentifiers {
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private KeyIdentifiers() {
    }

    /**
     * The reference digest of an RSA key: SHA-256 over the modulus written as uppercase hex, two digits per byte,
     * without leading zero bytes (OpenSSL's {@code BN_bn2hex}).
     */
    public static byte[] rsaDigest(BigInteger modulus) {
        return sha256(UPPER_HEX.formatHex(BigIntegers.asUnsignedByteArray(modulus)));
    }

    /**
     * The reference digest of an EC key: SHA-256 over the public point in compressed form ({@code 02} or {@code 03}
     * then X padded to the field size), written as uppercase hex.
     */
    public static byte[] ecDigest(byte[] compressedPoint) {
        return sha256(UPPER_HEX.formatHex(compressedPoint));
    }

    /**
     * The subject key identifier: SHA-1 over the contents of the subjectPublicKey BIT STRING (RFC 5280 section
     * 4.2.1.2, method 1).
     */
    public static byte[] ski(byte[] subjectPublicKey) {
        return digest("SHA-1", subjectPublicKey);
    }

    /** The subject key identifier of a certificate's public key, computed, not read from its extension. */
    public static byte[] ski(X509Certificate certificate) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
        return ski(info.getPublicKeyData().getBytes());
    }

    /** Formats an identifier as lowercase hex, the way logs and {@code --test} show them. */
    public static String hex(byte[] identifier) {
        return HexFormat.of().formatHex(identifier);
    }

    private static byte[] sha256(String hex) {
        return digest("SHA-256", hex.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] digest(String algorithm, byte[] input) {
        try {
            return MessageDigest.getInstance(algorithm).digest(input);
        } catch (NoSuchAlgorithmException e) {
            // Every Java runtime must provide SHA-1 and SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
