package io.keyless.protocol;

/**
 * The operation a message asks for or reports, carried in the opcode item (tag 0x11).
 */
public enum KeylessOpcode {
    RSA_DECRYPT(0x01, Kind.RSA_DECRYPT, null),
    RSA_SIGN_MD5SHA1(0x02, Kind.RSA_SIGN, KeylessHash.MD5SHA1),
    RSA_SIGN_SHA1(0x03, Kind.RSA_SIGN, KeylessHash.SHA1),
    RSA_SIGN_SHA224(0x04, Kind.RSA_SIGN, KeylessHash.SHA224),
    RSA_SIGN_SHA256(0x05, Kind.RSA_SIGN, KeylessHash.SHA256),
    RSA_SIGN_SHA384(0x06, Kind.RSA_SIGN, KeylessHash.SHA384),
    RSA_SIGN_SHA512(0x07, Kind.RSA_SIGN, KeylessHash.SHA512),
    RSA_DECRYPT_RAW(0x08, Kind.RSA_DECRYPT_RAW, null),
    ECDSA_SIGN_MD5SHA1(0x12, Kind.ECDSA_SIGN, KeylessHash.MD5SHA1),
    ECDSA_SIGN_SHA1(0x13, Kind.ECDSA_SIGN, KeylessHash.SHA1),
    ECDSA_SIGN_SHA224(0x14, Kind.ECDSA_SIGN, KeylessHash.SHA224),
    ECDSA_SIGN_SHA256(0x15, Kind.ECDSA_SIGN, KeylessHash.SHA256),
    ECDSA_SIGN_SHA384(0x16, Kind.ECDSA_SIGN, KeylessHash.SHA384),
    ECDSA_SIGN_SHA512(0x17, Kind.ECDSA_SIGN, KeylessHash.SHA512),
    /** A successful response; only ever sent by the server. */
    RESPONSE(0xF0, Kind.REPLY, null),
    PING(0xF1, Kind.PING, null),
    /** The answer to a ping; only ever sent by the server. */
    PONG(0xF2, Kind.REPLY, null),
    /** An error response whose payload is one {@link KeylessError} byte; only ever sent by the server. */
    ERROR(0xFF, Kind.REPLY, null);

    /** What an opcode asks the server to do, which decides the key type it needs. */
    public enum Kind {
        RSA_DECRYPT,
        RSA_DECRYPT_RAW,
        RSA_SIGN,
        ECDSA_SIGN,
        PING,
        /** Opcodes that belong in responses; a request carrying one is answered UNEXPECTED_OPCODE. */
        REPLY
    }

    private static final KeylessOpcode[] BY_CODE = new KeylessOpcode[256];

    static {
        for (KeylessOpcode opcode : values()) {
            if (BY_CODE[opcode.code] != null) {
                throw new ExceptionInInitializerError("duplicate opcode 0x" + Integer.toHexString(opcode.code));
            }
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;
    private final Kind kind;
    private final KeylessHash hash;

    KeylessOpcode(int code, Kind kind, KeylessHash hash) {
        this.code = code;
        this.kind = kind;
        this.hash = hash;
    }

    /**
     * Returns the opcode with this wire value, or {@code null} when the value names no opcode of version 1.0.
     */
    public static KeylessOpcode valueOf(byte code) {
        return BY_CODE[code & 0xFF];
    }

    /** The byte this opcode has on the wire. */
    public byte code() {
        return (byte) code;
    }

    public Kind kind() {
        return kind;
    }

    /** The hash a signing opcode's payload holds, or {@code null} for opcodes that do not sign. */
    public KeylessHash hash() {
        return hash;
    }

    /** Whether the operation uses a private key, and so needs the request to name one. */
    public boolean needsKey() {
        return kind != Kind.PING && kind != Kind.REPLY;
    }
}
