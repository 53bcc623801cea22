package io.keyless.testclient;

import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessProtocol;
import io.keyless.protocol.KeylessTag;

import java.nio.ByteBuffer;

/** Raw frames, for the requests no client library would build: other versions and malformed bodies. */
final class Frames {
    private Frames() {
    }

    /** A frame with any major version and any body. */
    static byte[] frame(int major, int id, byte[] body) {
        return ByteBuffer.allocate(KeylessProtocol.HEADER_LENGTH + body.length)
                .put((byte) major)
                .put((byte) KeylessProtocol.VERSION_MINOR)
                .putShort((short) body.length)
                .putInt(id)
                .put(body)
                .array();
    }

    /** A ping frame with any major version. */
    static byte[] ping(int major, int id, byte[] payload) {
        ByteBuffer body = ByteBuffer.allocate(4 + KeylessProtocol.ITEM_HEADER_LENGTH + payload.length)
                .put(KeylessTag.OPCODE.code()).putShort((short) 1).put(KeylessOpcode.PING.code())
                .put(KeylessTag.PAYLOAD.code()).putShort((short) payload.length).put(payload);
        return frame(major, id, body.array());
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
