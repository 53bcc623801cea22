package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.keyless.protocol.FrameBuilder.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeylessResponseEncoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(KeylessResponseEncoder.INSTANCE);

    @AfterEach
    void nothingLeftOver() {
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void padsASmallResponseTo1027Bytes() {
        ByteBuf payload = Unpooled.copiedBuffer(filled(256, 0x5A));
        byte[] wire = encode(KeylessResponse.success(0xCAFEBABE, payload));

        assertThat(payload.refCnt()).as("payload released").isZero();
        assertThat(wire).hasSize(1027);
        ByteBuf frame = Unpooled.wrappedBuffer(wire);
        assertThat(frame.getByte(0)).isEqualTo((byte) 1);
        assertThat(frame.getByte(1)).isEqualTo((byte) 0);
        assertThat(frame.getUnsignedShort(2)).isEqualTo(1027 - 8);
        assertThat(frame.getInt(4)).isEqualTo(0xCAFEBABE);
        // | 0x11 | 0x0001 | 0xF0 |
        assertThat(ByteBufUtil.getBytes(frame, 8, 4)).containsExactly(0x11, 0x00, 0x01, 0xF0);
        // | 0x12 | 0x0100 | payload |
        assertThat(ByteBufUtil.getBytes(frame, 12, 3)).containsExactly(0x12, 0x01, 0x00);
        assertThat(ByteBufUtil.getBytes(frame, 15, 256)).isEqualTo(filled(256, 0x5A));
        // | 0x20 | 1024 - 15 - 256 | zeros |
        int padding = 1024 - 15 - 256;
        assertThat(ByteBufUtil.getBytes(frame, 271, 3)).containsExactly(0x20, padding >> 8, padding & 0xFF);
        assertThat(ByteBufUtil.getBytes(frame, 274, padding)).isEqualTo(new byte[padding]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 1008, 1009})
    void makesEveryResponseUpToTheThresholdExactly1027Bytes(int payloadLength) {
        byte[] wire = encode(KeylessResponse.pong(1, Unpooled.wrappedBuffer(new byte[payloadLength])));
        assertThat(wire).hasSize(1027);
    }

    @Test
    void keepsAnEmptyPaddingItemOnALargeResponse() {
        byte[] wire = encode(KeylessResponse.success(2, Unpooled.wrappedBuffer(filled(2000, 1))));

        assertThat(wire).hasSize(8 + 4 + 3 + 2000 + 3);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(wire), wire.length - 3, 3))
                .containsExactly(0x20, 0x00, 0x00);
    }

    @Test
    void encodesTheLargestPayloadWithABodyOf65535Bytes() {
        int length = KeylessResponse.MAX_PAYLOAD_LENGTH;
        byte[] wire = encode(KeylessResponse.pong(3, Unpooled.wrappedBuffer(new byte[length])));

        assertThat(Unpooled.wrappedBuffer(wire).getUnsignedShort(2)).isEqualTo(65535);
        assertThat(wire).hasSize(8 + 65535);
    }

    @Test
    void refusesAPayloadThatCannotFitTheBodyAndReleasesIt() {
        ByteBuf tooLong = Unpooled.wrappedBuffer(new byte[KeylessResponse.MAX_PAYLOAD_LENGTH + 1]);
        assertThatThrownBy(() -> KeylessResponse.pong(4, tooLong)).isInstanceOf(IllegalArgumentException.class);
        assertThat(tooLong.refCnt()).isZero();
    }

    @Test
    void refusesARequestOpcodeAndReleasesThePayload() {
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[4]);
        assertThatThrownBy(() -> new KeylessResponse(4, KeylessOpcode.PING, payload))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a reply opcode: PING");
        assertThat(payload.refCnt()).isZero();
    }

    @ParameterizedTest
    @EnumSource(KeylessError.class)
    void encodesEveryErrorAsOneBytePayload(KeylessError error) {
        byte[] wire = encode(KeylessResponse.error(5, error));

        assertThat(wire).hasSize(1027);
        assertThat(ByteBufUtil.getBytes(Unpooled.wrappedBuffer(wire), 8, 8))
                .containsExactly(0x11, 0x00, 0x01, 0xFF, 0x12, 0x00, 0x01, error.code());
    }

    @Test
    void sharesErrorPayloadsWithoutLettingAReleaseFreeThem() {
        KeylessResponse first = KeylessResponse.error(6, KeylessError.KEY_NOT_FOUND);
        first.release();
        KeylessResponse second = KeylessResponse.error(7, KeylessError.KEY_NOT_FOUND);
        assertThat(second.error()).isEqualTo(KeylessError.KEY_NOT_FOUND);
    }

    private byte[] encode(KeylessResponse response) {
        assertThat(channel.writeOutbound(response)).isTrue();
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(out.readableBytes()).as("allocated at its exact size").isEqualTo(out.capacity());
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
