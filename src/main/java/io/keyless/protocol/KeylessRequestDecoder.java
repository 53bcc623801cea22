package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Turns a frame from {@link KeylessFrameDecoder} into a {@link KeylessRequest}.
 *
 * <p>Every frame becomes exactly one request. A frame that breaks a rule of the protocol becomes a failed request
 * carrying the error to answer with, so that the connection goes on with the next frame.
 */
@Sharable
public final class KeylessRequestDecoder extends MessageToMessageDecoder<ByteBuf> {
    public static final KeylessRequestDecoder INSTANCE = new KeylessRequestDecoder();

    private KeylessRequestDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /**
     * Decodes one whole frame. A successful request retains the frame and slices its items from it; a failed one
     * keeps nothing. Either way the caller still owns its own reference to the frame.
     */
    public static KeylessRequest decode(ByteBuf frame) {
        // | major (1) | minor (1) | length (2) | id (4) |
        int start = frame.readerIndex();
        int major = frame.getUnsignedByte(start);
        int bodyLength = frame.getUnsignedShort(start + 2);
        int id = frame.getInt(start + 4);

        if (major != KeylessProtocol.VERSION_MAJOR) {
            return KeylessRequest.failed(id, KeylessError.VERSION_MISMATCH, "major version " + major);
        }
        if (bodyLength == 0) {
            return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "empty body");
        }

        int opcode = -1;
        int digest = -1;
        int ski = -1;
        int serverName = -1;
        int serverNameLength = 0;
        int clientIp = -1;
        int clientIpLength = 0;
        int payload = -1;
        int payloadLength = 0;

        int position = start + KeylessProtocol.HEADER_LENGTH;
        int end = position + bodyLength;
        while (position < end) {
            // | tag (1) | length (2) | data (length) |
            if (end - position < KeylessProtocol.ITEM_HEADER_LENGTH) {
                return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "truncated item header");
            }
            KeylessTag tag = KeylessTag.valueOf(frame.getByte(position));
            int length = frame.getUnsignedShort(position + 1);
            int data = position + KeylessProtocol.ITEM_HEADER_LENGTH;
            if (length > end - data) {
                return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "item runs past the body");
            }
            position = data + length;

            // Unknown tags and padding are skipped; a known item of the wrong length is ignored as if absent; a
            // repeated item replaces the earlier one.
            if (tag == null) {
                continue;
            }
            switch (tag) {
                case OPCODE:
                    if (length == 1) {
                        opcode = frame.getUnsignedByte(data);
                    }
                    break;
                case PAYLOAD:
                    payload = data;
                    payloadLength = length;
                    break;
                case CERTIFICATE_DIGEST:
                    if (length == KeylessProtocol.DIGEST_LENGTH) {
                        digest = data;
                    }
                    break;
                case SUBJECT_KEY_IDENTIFIER:
                    if (length == KeylessProtocol.SKI_LENGTH) {
                        ski = data;
                    }
                    break;
                case SERVER_NAME:
                    serverName = data;
                    serverNameLength = length;
                    break;
                case CLIENT_IP:
                    if (length == 4 || length == 16) {
                        clientIp = data;
                        clientIpLength = length;
                    }
                    break;
                default:
                    break;
            }
        }

        if (opcode < 0) {
            return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "no opcode item");
        }
        if (payload < 0) {
            return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "no payload item");
        }
        KeylessOpcode known = KeylessOpcode.valueOf((byte) opcode);
        if (known == null) {
            return KeylessRequest.failed(id, KeylessError.BAD_OPCODE, String.format("opcode 0x%02X", opcode));
        }
        if (known.kind() == KeylessOpcode.Kind.REPLY) {
            return KeylessRequest.failed(id, KeylessError.UNEXPECTED_OPCODE, "reply opcode " + known);
        }
        if (known.needsKey() && ski < 0 && digest < 0) {
            return KeylessRequest.failed(id, KeylessError.FORMAT_ERROR, "neither SKI nor digest");
        }

        return new KeylessRequest(id, (byte) opcode, frame.retain(),
                slice(frame, digest, KeylessProtocol.DIGEST_LENGTH),
                slice(frame, ski, KeylessProtocol.SKI_LENGTH),
                slice(frame, serverName, serverNameLength),
                slice(frame, clientIp, clientIpLength),
                frame.slice(payload, payloadLength));
    }

    private static ByteBuf slice(ByteBuf frame, int index, int length) {
        return index < 0 ? null : frame.slice(index, length);
    }
}
