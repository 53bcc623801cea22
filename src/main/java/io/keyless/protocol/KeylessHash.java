package io.keyless.protocol;

/**
 * The hash that a signing opcode says its payload holds. The server never hashes: it signs the hash it is given,
 * so the only thing the protocol needs to know about a hash is its length.
 */
public enum KeylessHash {
    /** MD5 followed by SHA-1, as TLS 1.0 and 1.1 sign: 16 + 20 bytes. */
    MD5SHA1(36),
    SHA1(20),
    SHA224(28),
    SHA256(32),
    SHA384(48),
    SHA512(64);

    private final int length;

    KeylessHash(int length) {
        this.length = length;
    }

    /** The number of bytes a payload of this hash must have. */
    public int length() {
        return length;
    }
}
