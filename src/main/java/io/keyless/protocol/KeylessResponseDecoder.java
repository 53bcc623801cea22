package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Turns a frame from {@link KeylessFrameDecoder} into a {@link KeylessResponse}, as a client reads it.
 *
 * <p>The payload is copied out of the frame into a heap array, so a response handed to application code holds no
 * pooled memory and needs no release. A response that breaks the protocol is a {@link CorruptedFrameException}: a
 * client cannot trust anything else on such a connection.
 */
@Sharable
public final class KeylessResponseDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final KeylessResponseDecoder INSTANCE = new KeylessResponseDecoder();

    private KeylessResponseDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /** Decodes one whole frame; the caller keeps its reference to the frame. */
    public static KeylessResponse decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int major = frame.getUnsignedByte(start);
        int bodyLength = frame.getUnsignedShort(start + 2);
        int id = frame.getInt(start + 4);
        if (major != KeylessProtocol.VERSION_MAJOR) {
            throw new CorruptedFrameException("response with major version " + major);
        }

        KeylessOpcode opcode = null;
        int payload = -1;
        int payloadLength = 0;
        int position = start + KeylessProtocol.HEADER_LENGTH;
        int end = position + bodyLength;
        while (position < end) {
            if (end - position < KeylessProtocol.ITEM_HEADER_LENGTH) {
                throw new CorruptedFrameException("truncated item header in response " + id);
            }
            byte tag = frame.getByte(position);
            int length = frame.getUnsignedShort(position + 1);
            int data = position + KeylessProtocol.ITEM_HEADER_LENGTH;
            if (length > end - data) {
                throw new CorruptedFrameException("item runs past the body of response " + id);
            }
            position = data + length;
            if (tag == KeylessTag.OPCODE.code() && length == 1) {
                opcode = KeylessOpcode.valueOf(frame.getByte(data));
            } else if (tag == KeylessTag.PAYLOAD.code()) {
                payload = data;
                payloadLength = length;
            }
        }

        if (opcode == null || opcode.kind() != KeylessOpcode.Kind.REPLY) {
            throw new CorruptedFrameException("response " + id + " has no reply opcode");
        }
        if (payload < 0) {
            throw new CorruptedFrameException("response " + id + " has no payload");
        }
        if (payloadLength > KeylessResponse.MAX_PAYLOAD_LENGTH) {
            throw new CorruptedFrameException("response " + id + " has no room for its padding item");
        }
        byte[] bytes = ByteBufUtil.getBytes(frame, payload, payloadLength);
        return new KeylessResponse(id, opcode, Unpooled.wrappedBuffer(bytes));
    }
}
