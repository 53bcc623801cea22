package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static io.keyless.protocol.FrameBuilder.filled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's half of the codec, checked against the server's half. */
class KeylessClientCodecTest {
    @Test
    void encodesARequestThatTheServerDecoderReadsBack() throws Exception {
        KeylessRequest sent = KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA384)
                .id(99)
                .ski(filled(20, 3))
                .digest(filled(32, 4))
                .serverName("keyless.example")
                .clientIp(InetAddress.getByName("2001:db8::1"))
                .payload(filled(48, 5))
                .build();

        ByteBuf wire = KeylessRequestEncoder.encode(Unpooled.buffer().alloc(), sent);
        KeylessRequest received = KeylessRequestDecoder.decode(wire);
        wire.release();
        try {
            assertThat(received.failure()).isNull();
            assertThat(received.id()).isEqualTo(99);
            assertThat(received.opcode()).isEqualTo(KeylessOpcode.ECDSA_SIGN_SHA384);
            assertThat(ByteBufUtil.getBytes(received.ski())).isEqualTo(filled(20, 3));
            assertThat(ByteBufUtil.getBytes(received.digest())).isEqualTo(filled(32, 4));
            assertThat(received.serverName().toString(StandardCharsets.UTF_8)).isEqualTo("keyless.example");
            assertThat(ByteBufUtil.getBytes(received.clientIp())).hasSize(16);
            assertThat(ByteBufUtil.getBytes(received.payload())).isEqualTo(filled(48, 5));
        } finally {
            received.release();
        }
    }

    @Test
    void leavesOutItemsThatWereNotSet() {
        KeylessRequest ping = KeylessRequest.builder(KeylessOpcode.PING).id(1).build();
        ByteBuf wire = KeylessRequestEncoder.encode(Unpooled.buffer().alloc(), ping);
        try {
            // header, opcode item, empty payload item
            assertThat(ByteBufUtil.getBytes(wire))
                    .containsExactly(1, 0, 0, 7, 0, 0, 0, 1, 0x11, 0, 1, 0xF1, 0x12, 0, 0);
        } finally {
            wire.release();
        }
    }

    @Test
    void decodesWhatTheServerEncoderWrites() {
        EmbeddedChannel server = new EmbeddedChannel(KeylessResponseEncoder.INSTANCE);
        EmbeddedChannel client = new EmbeddedChannel(new KeylessFrameDecoder(), KeylessResponseDecoder.INSTANCE);
        server.writeOutbound(KeylessResponse.success(42, Unpooled.copiedBuffer(filled(70, 9))));
        server.writeOutbound(KeylessResponse.error(43, KeylessError.CRYPTO_FAILED));
        for (ByteBuf out; (out = server.readOutbound()) != null; ) {
            client.writeInbound(out);
        }

        KeylessResponse success = client.readInbound();
        assertThat(success.id()).isEqualTo(42);
        assertThat(success.opcode()).isEqualTo(KeylessOpcode.RESPONSE);
        assertThat(ByteBufUtil.getBytes(success.payload())).isEqualTo(filled(70, 9));
        KeylessResponse error = client.readInbound();
        assertThat(error.id()).isEqualTo(43);
        assertThat(error.error()).isEqualTo(KeylessError.CRYPTO_FAILED);
        assertThat(server.finish()).isFalse();
        assertThat(client.finish()).isFalse();
    }

    @Test
    void refusesAResponseWithoutReplyOpcode() {
        EmbeddedChannel client = new EmbeddedChannel(new KeylessFrameDecoder(), KeylessResponseDecoder.INSTANCE);
        ByteBuf frame = FrameBuilder.request(1).opcode(KeylessOpcode.PING).payload().toBuffer();

        assertThatThrownBy(() -> client.writeInbound(frame))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("no reply opcode");
        assertThat(frame.refCnt()).isZero();
        assertThat(client.finish()).isFalse();
    }
}
