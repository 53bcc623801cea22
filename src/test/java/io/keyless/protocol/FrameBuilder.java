package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/** Writes raw frames byte by byte, including ones no well-behaved client would send. */
final class FrameBuilder {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int major = KeylessProtocol.VERSION_MAJOR;
    private int id;

    static FrameBuilder request(int id) {
        FrameBuilder builder = new FrameBuilder();
        builder.id = id;
        return builder;
    }

    FrameBuilder major(int major) {
        this.major = major;
        return this;
    }

    FrameBuilder item(int tag, int... data) {
        return item(tag, toBytes(data));
    }

    FrameBuilder item(int tag, byte[] data) {
        body.write(tag);
        body.write(data.length >> 8);
        body.write(data.length);
        body.writeBytes(data);
        return this;
    }

    FrameBuilder opcode(KeylessOpcode opcode) {
        return item(KeylessTag.OPCODE.code(), opcode.code());
    }

    FrameBuilder payload(int... data) {
        return payload(toBytes(data));
    }

    FrameBuilder payload(byte[] data) {
        return item(KeylessTag.PAYLOAD.code(), data);
    }

    /** Appends bytes to the body as they are, whatever they mean. */
    FrameBuilder raw(int... bytes) {
        return raw(toBytes(bytes));
    }

    FrameBuilder raw(byte[] bytes) {
        body.writeBytes(bytes);
        return this;
    }

    private static byte[] toBytes(int[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    byte[] toBytes() {
        byte[] items = body.toByteArray();
        byte[] frame = new byte[KeylessProtocol.HEADER_LENGTH + items.length];
        frame[0] = (byte) major;
        frame[2] = (byte) (items.length >> 8);
        frame[3] = (byte) items.length;
        frame[4] = (byte) (id >> 24);
        frame[5] = (byte) (id >> 16);
        frame[6] = (byte) (id >> 8);
        frame[7] = (byte) id;
        System.arraycopy(items, 0, frame, KeylessProtocol.HEADER_LENGTH, items.length);
        return frame;
    }

    ByteBuf toBuffer() {
        // A copy, not a wrapper: copies are tracked by the leak detector.
        return Unpooled.copiedBuffer(toBytes());
    }

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
