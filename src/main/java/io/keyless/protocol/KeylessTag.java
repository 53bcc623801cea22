package io.keyless.protocol;

/**
 * The tag of an item in a message body ({@code tag | length (u16) | data}).
 */
public enum KeylessTag {
    /** SHA-256 of the key's public part as the reference server computes it; 32 bytes. */
    CERTIFICATE_DIGEST(0x01),
    /** The server name the TLS client asked the edge for; informational. */
    SERVER_NAME(0x02),
    /** The address of the TLS client of the edge, 4 or 16 bytes; informational. */
    CLIENT_IP(0x03),
    /** SHA-1 of the key's subjectPublicKey bits; 20 bytes. */
    SUBJECT_KEY_IDENTIFIER(0x04),
    /** Added by later revisions of the protocol; accepted and ignored. */
    SERVER_IP(0x05),
    /** Added by later revisions of the protocol; accepted and ignored. */
    CERTIFICATE_ID(0x06),
    OPCODE(0x11),
    PAYLOAD(0x12),
    /** Added by later revisions of the protocol; accepted and ignored. */
    CUSTOM_FUNCTION_NAME(0x13),
    /** Added by later revisions of the protocol; accepted and ignored. */
    SUPPLEMENTAL_PAYLOAD(0x14),
    /** Added by later revisions of the protocol; accepted and ignored. */
    TRACING_SPAN(0x15),
    /** Added by later revisions of the protocol; accepted and ignored. */
    REQUEST_CONTEXT(0x16),
    /** Added by later revisions of the protocol; accepted and ignored. */
    COMPLIANCE_REGION(0x17),
    /** Zeros that pad a response to a fixed size; ignored on input. */
    PADDING(0x20);

    private static final KeylessTag[] BY_CODE = new KeylessTag[256];

    static {
        for (KeylessTag tag : values()) {
            if (BY_CODE[tag.code] != null) {
                throw new ExceptionInInitializerError("duplicate tag 0x" + Integer.toHexString(tag.code));
            }
            BY_CODE[tag.code] = tag;
        }
    }

    private final int code;

    KeylessTag(int code) {
        this.code = code;
    }

    /** Returns the tag with this wire value, or {@code null} for a tag this server does not know. */
    public static KeylessTag valueOf(byte code) {
        return BY_CODE[code & 0xFF];
    }

    /** The byte this tag has on the wire. */
    public byte code() {
        return (byte) code;
    }
}
