package io.keyless.keys;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;

/**
 * A private key read from a file, with the identifiers requests find it by.
 *
 * <p>Only the JCA key object holds key material; nothing here formats it.
 */
public final class LoadedKey {
    private final Path file;
    private final KeyType type;
    private final PrivateKey privateKey;
    private final int bits;
    private final EcCurve curve;
    private final byte[] digest;
    private final byte[] ski;
    private final byte[] modulus;

    LoadedKey(Path file, KeyType type, PrivateKey privateKey, int bits, EcCurve curve, byte[] digest, byte[] ski,
              byte[] modulus) {
        this.file = file;
        this.type = type;
        this.privateKey = privateKey;
        this.bits = bits;
        this.curve = curve;
        this.digest = digest;
        this.ski = ski;
        this.modulus = modulus;
    }

    /** The same key held as {@code translated}, a provider's own key object for it. */
    LoadedKey withPrivateKey(PrivateKey translated) {
        return translated == privateKey ? this
                : new LoadedKey(file, type, translated, bits, curve, digest, ski, modulus);
    }

    /** The file the key was read from. */
    public Path file() {
        return file;
    }

    public KeyType type() {
        return type;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The modulus size of an RSA key, the field size of an EC key. */
    public int bits() {
        return bits;
    }

    /** The length in bytes of the RSA modulus: the length of every signature and of the longest ciphertext. */
    public int modulusLength() {
        return (bits + 7) / 8;
    }

    /**
     * Whether {@code ciphertext}, an array of {@link #modulusLength()} bytes, is a number below the RSA modulus:
     * one that can be decrypted. Not every provider says so itself.
     */
    public boolean isBelowModulus(byte[] ciphertext) {
        return Arrays.compareUnsigned(ciphertext, modulus) < 0;
    }

    /** The curve of an EC key; {@code null} for RSA. */
    public EcCurve curve() {
        return curve;
    }

    /** The reference digest; see {@link KeyIdentifiers#rsaDigest} and {@link KeyIdentifiers#ecDigest}. */
    public byte[] digest() {
        return digest.clone();
    }

    /** The subject key identifier; see {@link KeyIdentifiers#ski(byte[])}. */
    public byte[] ski() {
        return ski.clone();
    }

    byte[] digestArray() {
        return digest;
    }

    byte[] skiArray() {
        return ski;
    }

    /** A short description for logs: {@code RSA-2048} or {@code P-256}. */
    public String describe() {
        return type == KeyType.RSA ? "RSA-" + bits : curve.displayName();
    }

    @Override
    public String toString() {
        return "LoadedKey(" + file.getFileName() + ", " + describe() + ", ski=" + KeyIdentifiers.hex(ski) + ")";
    }
}
