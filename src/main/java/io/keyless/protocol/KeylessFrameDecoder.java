package io.keyless.protocol;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts the inbound byte stream into whole messages, each a slice holding the 8-byte header and the body.
 *
 * <p>The body length is the unsigned 16-bit field at offset 2, so a frame is never longer than 8 + 65535 bytes and
 * no length can be refused as too long. Not sharable: it keeps the bytes of a message still arriving.
 */
public final class KeylessFrameDecoder extends LengthFieldBasedFrameDecoder {
    // | major (1) | minor (1) | length (2) | id (4) | body (length) |
    private static final int LENGTH_FIELD_OFFSET = 2;
    private static final int LENGTH_FIELD_LENGTH = 2;
    // The length counts the body only; the id field lies between it and the body.
    private static final int LENGTH_ADJUSTMENT = 4;

    public KeylessFrameDecoder() {
        super(KeylessProtocol.HEADER_LENGTH + KeylessProtocol.MAX_BODY_LENGTH, LENGTH_FIELD_OFFSET,
                LENGTH_FIELD_LENGTH, LENGTH_ADJUSTMENT, 0);
    }

    /** Bytes received of a frame not yet whole. */
    public int bufferedBytes() {
        return actualReadableBytes();
    }
}
