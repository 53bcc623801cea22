package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes a {@link KeylessResponse} as one buffer of exactly its encoded length: header, opcode item, payload item
 * and a padding item of zeros.
 */
@Sharable
public final class KeylessResponseEncoder extends MessageToMessageEncoder<KeylessResponse> {
    public static final KeylessResponseEncoder INSTANCE = new KeylessResponseEncoder();

    private KeylessResponseEncoder() {
        super(KeylessResponse.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, KeylessResponse response, List<Object> out) {
        out.add(encode(ctx.alloc(), response));
    }

    /** Encodes a response into a new buffer; the response stays owned by the caller. */
    public static ByteBuf encode(ByteBufAllocator alloc, KeylessResponse response) {
        ByteBuf payload = response.payload();
        int payloadLength = payload.readableBytes();
        int paddingLength = KeylessResponse.paddingLength(payloadLength);

        ByteBuf out = alloc.ioBuffer(response.encodedLength());
        // | major | minor | length | id |
        out.writeByte(KeylessProtocol.VERSION_MAJOR);
        out.writeByte(KeylessProtocol.VERSION_MINOR);
        out.writeShort(response.bodyLength());
        out.writeInt(response.id());
        // | 0x11 | 0x0001 | opcode |
        out.writeByte(KeylessTag.OPCODE.code());
        out.writeShort(1);
        out.writeByte(response.opcode().code());
        // | 0x12 | length | payload |
        out.writeByte(KeylessTag.PAYLOAD.code());
        out.writeShort(payloadLength);
        out.writeBytes(payload, payload.readerIndex(), payloadLength);
        // | 0x20 | length | zeros |
        out.writeByte(KeylessTag.PADDING.code());
        out.writeShort(paddingLength);
        out.writeZero(paddingLength);
        return out;
    }
}
