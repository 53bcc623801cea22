package io.keyless.keys;

import java.nio.file.Path;
import java.security.PublicKey;

/**
 * A public key, as a client knows the key it asks a key server to use: the identifiers it sends, and the key that
 * checks the results.
 *
 * @param file the PEM public key or certificate it was read from
 * @param bits the modulus size of an RSA key, the field size of an EC key
 * @param curve the curve of an EC key; {@code null} for RSA
 */
public record PublicKeyIdentity(Path file, KeyType type, PublicKey publicKey, int bits, EcCurve curve, byte[] digest,
                                byte[] ski) {
    /** The length in bytes of an RSA modulus, which every RSA ciphertext and signature has. */
    public int modulusLength() {
        return (bits + 7) / 8;
    }

    /** {@code RSA-2048} or {@code P-256}. */
    public String describe() {
        return type == KeyType.RSA ? "RSA-" + bits : curve.displayName();
    }
}
