package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes a {@link KeylessRequest} as a client sends it: header, then the opcode, key, SNI, client IP and payload
 * items that are present, in that order.
 */
@Sharable
public final class KeylessRequestEncoder extends MessageToMessageEncoder<KeylessRequest> {
    public static final KeylessRequestEncoder INSTANCE = new KeylessRequestEncoder();

    private KeylessRequestEncoder() {
        super(KeylessRequest.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, KeylessRequest request, List<Object> out) {
        out.add(encode(ctx.alloc(), request));
    }

    /**
     * Encodes a request into a new buffer; the request stays owned by the caller.
     *
     * @throws EncoderException if the request failed to decode or its items do not fit in one body
     */
    public static ByteBuf encode(ByteBufAllocator alloc, KeylessRequest request) {
        if (request.failure() != null) {
            throw new EncoderException("cannot encode a failed request: " + request);
        }
        int bodyLength = 4 + itemLength(request.digest()) + itemLength(request.ski())
                + itemLength(request.serverName()) + itemLength(request.clientIp())
                + itemLength(request.payload());
        if (bodyLength > KeylessProtocol.MAX_BODY_LENGTH) {
            throw new EncoderException("request body of " + bodyLength + " bytes exceeds "
                    + KeylessProtocol.MAX_BODY_LENGTH);
        }

        ByteBuf out = alloc.ioBuffer(KeylessProtocol.HEADER_LENGTH + bodyLength);
        out.writeByte(KeylessProtocol.VERSION_MAJOR);
        out.writeByte(KeylessProtocol.VERSION_MINOR);
        out.writeShort(bodyLength);
        out.writeInt(request.id());
        out.writeByte(KeylessTag.OPCODE.code());
        out.writeShort(1);
        out.writeByte(request.opcodeCode());
        writeItem(out, KeylessTag.CERTIFICATE_DIGEST, request.digest());
        writeItem(out, KeylessTag.SUBJECT_KEY_IDENTIFIER, request.ski());
        writeItem(out, KeylessTag.SERVER_NAME, request.serverName());
        writeItem(out, KeylessTag.CLIENT_IP, request.clientIp());
        writeItem(out, KeylessTag.PAYLOAD, request.payload());
        return out;
    }

    private static int itemLength(ByteBuf data) {
        return data == null ? 0 : KeylessProtocol.ITEM_HEADER_LENGTH + data.readableBytes();
    }

    private static void writeItem(ByteBuf out, KeylessTag tag, ByteBuf data) {
        if (data == null) {
            return;
        }
        out.writeByte(tag.code());
        out.writeShort(data.readableBytes());
        out.writeBytes(data, data.readerIndex(), data.readableBytes());
    }
}
