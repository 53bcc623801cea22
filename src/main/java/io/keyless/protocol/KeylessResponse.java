package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;

/**
 * A response: the id of the request it answers, a reply opcode and a payload. Padding is added when it is encoded.
 */
public final class KeylessResponse implements ReferenceCounted {
    /**
     * The largest payload a response can carry: the body holds the opcode item (4 bytes), the payload item's header
     * (3) and the padding item's header (3), and its length must fit in 16 bits.
     */
    public static final int MAX_PAYLOAD_LENGTH =
            KeylessProtocol.MAX_BODY_LENGTH - 4 - 2 * KeylessProtocol.ITEM_HEADER_LENGTH;

    private static final ByteBuf[] ERROR_PAYLOADS = new ByteBuf[KeylessError.values().length];

    static {
        for (KeylessError error : KeylessError.values()) {
            ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {error.code()}).asReadOnly();
            ERROR_PAYLOADS[error.ordinal()] = Unpooled.unreleasableBuffer(payload);
        }
    }

    private final int id;
    private final KeylessOpcode opcode;
    private final ByteBuf payload;

    /**
     * Creates a response owning {@code payload}: releasing the response releases it.
     *
     * @throws IllegalArgumentException if the opcode is not a reply opcode or the payload is too long to encode;
     *         the payload is released, as the response would have released it
     */
    public KeylessResponse(int id, KeylessOpcode opcode, ByteBuf payload) {
        String problem = opcode.kind() != KeylessOpcode.Kind.REPLY ? "not a reply opcode: " + opcode
                : payload.readableBytes() > MAX_PAYLOAD_LENGTH
                        ? "payload of " + payload.readableBytes() + " bytes exceeds " + MAX_PAYLOAD_LENGTH : null;
        if (problem != null) {
            payload.release();
            throw new IllegalArgumentException(problem);
        }
        this.id = id;
        this.opcode = opcode;
        this.payload = payload;
    }

    /** A successful response carrying the result of an operation. */
    public static KeylessResponse success(int id, ByteBuf result) {
        return new KeylessResponse(id, KeylessOpcode.RESPONSE, result);
    }

    /** The answer to a ping, echoing its payload. */
    public static KeylessResponse pong(int id, ByteBuf echo) {
        return new KeylessResponse(id, KeylessOpcode.PONG, echo);
    }

    /** An error response. */
    public static KeylessResponse error(int id, KeylessError error) {
        return new KeylessResponse(id, KeylessOpcode.ERROR, ERROR_PAYLOADS[error.ordinal()].duplicate());
    }

    public int id() {
        return id;
    }

    public KeylessOpcode opcode() {
        return opcode;
    }

    public ByteBuf payload() {
        return payload;
    }

    /**
     * The error this response reports, or {@code null} if it is not an error response or its payload names no
     * error.
     */
    public KeylessError error() {
        if (opcode != KeylessOpcode.ERROR || payload.readableBytes() != 1) {
            return null;
        }
        return KeylessError.valueOf(payload.getByte(payload.readerIndex()));
    }

    /** Length of the padding item's data for a payload of this length. */
    public static int paddingLength(int payloadLength) {
        int unpadded = KeylessProtocol.HEADER_LENGTH + 4 + KeylessProtocol.ITEM_HEADER_LENGTH + payloadLength;
        return Math.max(0, KeylessProtocol.PADDED_LENGTH - unpadded);
    }

    /** Length of the body: opcode item, payload item and padding item. */
    public int bodyLength() {
        int payloadLength = payload.readableBytes();
        return 4 + KeylessProtocol.ITEM_HEADER_LENGTH + payloadLength
                + KeylessProtocol.ITEM_HEADER_LENGTH + paddingLength(payloadLength);
    }

    /** Number of bytes this response takes on the wire. */
    public int encodedLength() {
        return KeylessProtocol.HEADER_LENGTH + bodyLength();
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public KeylessResponse retain() {
        payload.retain();
        return this;
    }

    @Override
    public KeylessResponse retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public KeylessResponse touch() {
        payload.touch();
        return this;
    }

    @Override
    public KeylessResponse touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }

    @Override
    public String toString() {
        KeylessError error = error();
        return "KeylessResponse(id=" + Integer.toUnsignedString(id) + ", opcode=" + opcode
                + (error != null ? ", error=" + error : "") + ")";
    }
}
