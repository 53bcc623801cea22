package io.keyless.keys;

/** The algorithm family of a private key, which decides the opcodes it can serve. */
public enum KeyType {
    RSA,
    EC
}
