package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A request: the header's id and the items of its body.
 *
 * <p>A decoded request keeps the frame it came from, and every item is a slice of that frame: valid until the request
 * is released, never copied. A request the decoder could not accept carries its {@link #failure()} and no items; it
 * must still be answered, with that error and the same id.
 *
 * <p>Requests built by clients with {@link #builder(byte)} hold their payload as content and the other items as
 * unpooled wrappers of their byte arrays.
 */
public final class KeylessRequest implements ReferenceCounted {
    private final int id;
    private final byte opcode;
    private final ByteBuf content;
    private final ByteBuf digest;
    private final ByteBuf ski;
    private final ByteBuf serverName;
    private final ByteBuf clientIp;
    private final ByteBuf payload;
    private final KeylessProtocolException failure;

    KeylessRequest(int id, byte opcode, ByteBuf content, ByteBuf digest, ByteBuf ski, ByteBuf serverName,
                   ByteBuf clientIp, ByteBuf payload) {
        this.id = id;
        this.opcode = opcode;
        this.content = content;
        this.digest = digest;
        this.ski = ski;
        this.serverName = serverName;
        this.clientIp = clientIp;
        this.payload = payload;
        this.failure = null;
    }

    private KeylessRequest(int id, KeylessProtocolException failure) {
        this.id = id;
        this.opcode = 0;
        this.content = Unpooled.EMPTY_BUFFER;
        this.digest = null;
        this.ski = null;
        this.serverName = null;
        this.clientIp = null;
        this.payload = null;
        this.failure = failure;
    }

    /** A request that was received but cannot be served; it is answered with the failure's error. */
    public static KeylessRequest failed(int id, KeylessError error, String reason) {
        return new KeylessRequest(id, new KeylessProtocolException(error, reason));
    }

    public static Builder builder(KeylessOpcode opcode) {
        return new Builder(opcode.code());
    }

    /** A builder for any opcode byte, including ones a server must refuse. */
    public static Builder builder(byte opcode) {
        return new Builder(opcode);
    }

    /** The id from the header, echoed in the response. */
    public int id() {
        return id;
    }

    /** Why this request cannot be served, or {@code null} if it was decoded successfully. */
    public KeylessProtocolException failure() {
        return failure;
    }

    /** The opcode byte as received. */
    public byte opcodeCode() {
        return opcode;
    }

    /** The opcode, or {@code null} when the byte names no opcode (never the case for a decoded request). */
    public KeylessOpcode opcode() {
        return KeylessOpcode.valueOf(opcode);
    }

    /** The 32-byte certificate digest, or {@code null} when absent. */
    public ByteBuf digest() {
        return digest;
    }

    /** The 20-byte subject key identifier, or {@code null} when absent. */
    public ByteBuf ski() {
        return ski;
    }

    /** The SNI item, or {@code null} when absent. */
    public ByteBuf serverName() {
        return serverName;
    }

    /** The client IP item, 4 or 16 bytes, or {@code null} when absent. */
    public ByteBuf clientIp() {
        return clientIp;
    }

    /** The payload; never {@code null} for a request that decoded successfully, though it may be empty. */
    public ByteBuf payload() {
        return payload;
    }

    @Override
    public int refCnt() {
        return content.refCnt();
    }

    @Override
    public KeylessRequest retain() {
        content.retain();
        return this;
    }

    @Override
    public KeylessRequest retain(int increment) {
        content.retain(increment);
        return this;
    }

    @Override
    public KeylessRequest touch() {
        content.touch();
        return this;
    }

    @Override
    public KeylessRequest touch(Object hint) {
        content.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return content.release();
    }

    @Override
    public boolean release(int decrement) {
        return content.release(decrement);
    }

    @Override
    public String toString() {
        // Identifies the request without its payload, which may be secret.
        KeylessOpcode known = opcode();
        String name = known != null ? known.name() : String.format("0x%02X", opcode & 0xFF);
        return failure != null
                ? "KeylessRequest(id=" + Integer.toUnsignedString(id) + ", failure=" + failure.error() + ")"
                : "KeylessRequest(id=" + Integer.toUnsignedString(id) + ", opcode=" + name + ")";
    }

    /** Builds a request as a client sends it. */
    public static final class Builder {
        private final byte opcode;
        private Integer id;
        private byte[] digest;
        private byte[] ski;
        private byte[] serverName;
        private byte[] clientIp;
        private byte[] payload = new byte[0];

        private Builder(byte opcode) {
            this.opcode = opcode;
        }

        public Builder id(int id) {
            this.id = id;
            return this;
        }

        /** Whether {@link #id(int)} was called; a request built without one has id 0. */
        public boolean hasId() {
            return id != null;
        }

        public Builder digest(byte[] digest) {
            this.digest = digest;
            return this;
        }

        public Builder ski(byte[] ski) {
            this.ski = ski;
            return this;
        }

        public Builder serverName(String serverName) {
            this.serverName = serverName == null ? null : serverName.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public Builder clientIp(InetAddress clientIp) {
            this.clientIp = clientIp == null ? null : clientIp.getAddress();
            return this;
        }

        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        public KeylessRequest build() {
            ByteBuf content = Unpooled.wrappedBuffer(payload);
            return new KeylessRequest(id == null ? 0 : id, opcode, content, wrap(digest), wrap(ski),
                    wrap(serverName), wrap(clientIp), content);
        }

        private static ByteBuf wrap(byte[] bytes) {
            return bytes == null ? null : Unpooled.wrappedBuffer(bytes);
        }
    }
}
