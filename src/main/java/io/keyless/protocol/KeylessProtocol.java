package io.keyless.protocol;

/**
 * Sizes and versions fixed by version 1.0 of the Keyless SSL protocol.
 */
public final class KeylessProtocol {
    /** The only major version this server speaks. */
    public static final int VERSION_MAJOR = 1;

    /** The minor version written in responses; ignored on input. */
    public static final int VERSION_MINOR = 0;

    /** {@code major (1) | minor (1) | body length (2) | id (4)}. */
    public static final int HEADER_LENGTH = 8;

    /** {@code tag (1) | length (2)}. */
    public static final int ITEM_HEADER_LENGTH = 3;

    /** The largest body the 16-bit length field can announce. */
    public static final int MAX_BODY_LENGTH = 0xFFFF;

    /** Responses shorter than this (header included, padding item excluded) are padded up to it. */
    public static final int PADDED_LENGTH = 1024;

    /** Length of the certificate digest item (tag 0x01). */
    public static final int DIGEST_LENGTH = 32;

    /** Length of the subject key identifier item (tag 0x04). */
    public static final int SKI_LENGTH = 20;

    private KeylessProtocol() {
    }
}
