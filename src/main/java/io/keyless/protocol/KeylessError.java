package io.keyless.protocol;

/**
 * The one-byte payload of an error response (opcode 0xFF).
 */
public enum KeylessError {
    /** The operation failed: bad padding, a ciphertext that does not fit, a wrong hash length or key type. */
    CRYPTO_FAILED(0x01),
    /** No loaded key matches the SKI or digest of the request. */
    KEY_NOT_FOUND(0x02),
    /** Key material could not be read when the request needed it. */
    READ_ERROR(0x03),
    /** The header's major version is not 1. */
    VERSION_MISMATCH(0x04),
    /** The opcode is not one this protocol version knows. */
    BAD_OPCODE(0x05),
    /** The opcode belongs in responses, not requests. */
    UNEXPECTED_OPCODE(0x06),
    /** The body is malformed. */
    FORMAT_ERROR(0x07),
    /** Anything else that went wrong on the server side. */
    INTERNAL_ERROR(0x08);

    private static final KeylessError[] BY_CODE = new KeylessError[256];

    static {
        for (KeylessError error : values()) {
            if (BY_CODE[error.code] != null) {
                throw new ExceptionInInitializerError("duplicate error code 0x" + Integer.toHexString(error.code));
            }
            BY_CODE[error.code] = error;
        }
    }

    private final int code;

    KeylessError(int code) {
        this.code = code;
    }

    /** Returns the error with this wire value, or {@code null} when there is none. */
    public static KeylessError valueOf(byte code) {
        return BY_CODE[code & 0xFF];
    }

    /** The byte this error has on the wire. */
    public byte code() {
        return (byte) code;
    }
}
