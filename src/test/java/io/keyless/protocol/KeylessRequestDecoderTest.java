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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.keyless.protocol.FrameBuilder.filled;
import static org.assertj.core.api.Assertions.assertThat;

class KeylessRequestDecoderTest {
    private static final byte[] DIGEST = filled(32, 0xD1);
    private static final byte[] SKI = filled(20, 0x5C);

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new KeylessFrameDecoder(), KeylessRequestDecoder.INSTANCE);
    private final List<ByteBuf> sent = new ArrayList<>();

    @AfterEach
    void nothingLeftOverAndEverythingReleased() {
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
        for (ByteBuf buffer : sent) {
            assertThat(buffer.refCnt()).as("input buffer refCnt").isZero();
        }
    }

    @Test
    void decodesEveryItemAsASliceOfTheFrame() {
        KeylessRequest request = decodeOne(FrameBuilder.request(0x01020304)
                .opcode(KeylessOpcode.RSA_SIGN_SHA256)
                .item(KeylessTag.CERTIFICATE_DIGEST.code(), DIGEST)
                .item(KeylessTag.SUBJECT_KEY_IDENTIFIER.code(), SKI)
                .item(KeylessTag.SERVER_NAME.code(), "example.com".getBytes(StandardCharsets.US_ASCII))
                .item(KeylessTag.CLIENT_IP.code(), 192, 0, 2, 1)
                .payload(filled(32, 0xAB)));
        try {
            assertThat(request.failure()).isNull();
            assertThat(request.id()).isEqualTo(0x01020304);
            assertThat(request.opcode()).isEqualTo(KeylessOpcode.RSA_SIGN_SHA256);
            assertThat(bytes(request.digest())).isEqualTo(DIGEST);
            assertThat(bytes(request.ski())).isEqualTo(SKI);
            assertThat(request.serverName().toString(StandardCharsets.US_ASCII)).isEqualTo("example.com");
            assertThat(bytes(request.clientIp())).containsExactly(192, 0, 2, 1);
            assertThat(bytes(request.payload())).isEqualTo(filled(32, 0xAB));
        } finally {
            request.release();
        }
    }

    @Test
    void decodesRequestSplitAcrossReads() {
        byte[] frame = FrameBuilder.request(7).opcode(KeylessOpcode.PING).payload(filled(300, 0x33)).toBytes();
        for (byte b : frame) {
            ByteBuf piece = Unpooled.copiedBuffer(new byte[] {b});
            sent.add(piece);
            channel.writeInbound(piece);
        }

        KeylessRequest request = channel.readInbound();
        try {
            assertThat(request.id()).isEqualTo(7);
            assertThat(bytes(request.payload())).isEqualTo(filled(300, 0x33));
        } finally {
            request.release();
        }
    }

    @Test
    void decodesSeveralRequestsArrivingInOneRead() {
        ByteBuf both = Unpooled.copiedBuffer(
                FrameBuilder.request(1).opcode(KeylessOpcode.PING).payload(1).toBytes(),
                FrameBuilder.request(2).opcode(KeylessOpcode.PING).payload(2).toBytes());
        sent.add(both);
        channel.writeInbound(both);

        for (int id = 1; id <= 2; id++) {
            KeylessRequest request = channel.readInbound();
            assertThat(request.id()).isEqualTo(id);
            assertThat(bytes(request.payload())).containsExactly(id);
            request.release();
        }
    }

    @Test
    void answersAnotherMajorVersionAndGoesOnWithTheNextMessage() {
        ByteBuf both = Unpooled.copiedBuffer(
                FrameBuilder.request(1).major(2).opcode(KeylessOpcode.PING).payload(filled(40, 1)).toBytes(),
                FrameBuilder.request(2).opcode(KeylessOpcode.PING).payload(9).toBytes());
        sent.add(both);
        channel.writeInbound(both);

        KeylessRequest refused = channel.readInbound();
        assertThat(refused.id()).isEqualTo(1);
        assertThat(refused.failure().error()).isEqualTo(KeylessError.VERSION_MISMATCH);
        refused.release();

        KeylessRequest next = channel.readInbound();
        assertThat(next.id()).isEqualTo(2);
        assertThat(bytes(next.payload())).containsExactly(9);
        next.release();
    }

    @Test
    void ignoresTheMinorVersion() {
        byte[] frame = FrameBuilder.request(3).opcode(KeylessOpcode.PING).payload().toBytes();
        frame[1] = 9;
        KeylessRequest request = decodeOne(frame);
        assertThat(request.failure()).isNull();
        request.release();
    }

    @Test
    void refusesAnEmptyBody() {
        assertFails(FrameBuilder.request(4), KeylessError.FORMAT_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void refusesABodyEndingInLessThanAnItemHeader(int trailing) {
        assertFails(FrameBuilder.request(5).opcode(KeylessOpcode.PING).payload().raw(filled(trailing, 0x20)),
                KeylessError.FORMAT_ERROR);
    }

    @Test
    void refusesAnItemRunningPastTheBody() {
        assertFails(FrameBuilder.request(6).opcode(KeylessOpcode.PING).raw(0x12, 0, 5, 1),
                KeylessError.FORMAT_ERROR);
    }

    @Test
    void refusesARequestWithoutOpcode() {
        assertFails(FrameBuilder.request(8).payload(1, 2, 3), KeylessError.FORMAT_ERROR);
    }

    @Test
    void refusesARequestWithoutPayload() {
        assertFails(FrameBuilder.request(9).opcode(KeylessOpcode.PING), KeylessError.FORMAT_ERROR);
    }

    @Test
    void acceptsAnEmptyPayload() {
        KeylessRequest request = decodeOne(FrameBuilder.request(10).opcode(KeylessOpcode.PING).payload());
        assertThat(request.failure()).isNull();
        assertThat(request.payload().readableBytes()).isZero();
        request.release();
    }

    @Test
    void ignoresAnOpcodeItemOfTheWrongLength() {
        assertFails(FrameBuilder.request(11).item(KeylessTag.OPCODE.code(), 0xF1, 0).payload(),
                KeylessError.FORMAT_ERROR);
    }

    @Test
    void ignoresAWrongLengthItemAfterAGoodOne() {
        KeylessRequest request = decodeOne(FrameBuilder.request(12)
                .opcode(KeylessOpcode.PING)
                .item(KeylessTag.OPCODE.code())
                .payload());
        assertThat(request.opcode()).isEqualTo(KeylessOpcode.PING);
        request.release();
    }

    @Test
    void ignoresADigestOfTheWrongLength() {
        assertFails(FrameBuilder.request(13)
                .opcode(KeylessOpcode.RSA_SIGN_SHA256)
                .item(KeylessTag.CERTIFICATE_DIGEST.code(), filled(31, 1))
                .payload(filled(32, 0)), KeylessError.FORMAT_ERROR);
    }

    @Test
    void ignoresASkiOfTheWrongLengthAndUsesTheDigest() {
        KeylessRequest request = decodeOne(FrameBuilder.request(14)
                .opcode(KeylessOpcode.RSA_SIGN_SHA256)
                .item(KeylessTag.SUBJECT_KEY_IDENTIFIER.code(), filled(21, 1))
                .item(KeylessTag.CERTIFICATE_DIGEST.code(), DIGEST)
                .payload(filled(32, 0)));
        assertThat(request.ski()).isNull();
        assertThat(bytes(request.digest())).isEqualTo(DIGEST);
        request.release();
    }

    @Test
    void ignoresAClientIpThatIsNeitherFourNorSixteenBytes() {
        KeylessRequest request = decodeOne(FrameBuilder.request(15)
                .opcode(KeylessOpcode.PING)
                .item(KeylessTag.CLIENT_IP.code(), 1, 2, 3)
                .payload());
        assertThat(request.clientIp()).isNull();
        request.release();
    }

    @Test
    void skipsUnknownTagsPaddingAndItemsOfLaterRevisions() {
        KeylessRequest request = decodeOne(FrameBuilder.request(16)
                .item(0x7E, 1, 2, 3)
                .item(KeylessTag.PADDING.code(), filled(500, 0))
                .item(KeylessTag.SERVER_IP.code(), 10, 0, 0, 1)
                .item(KeylessTag.CERTIFICATE_ID.code(), "cert".getBytes(StandardCharsets.US_ASCII))
                .item(KeylessTag.CUSTOM_FUNCTION_NAME.code(), 'f')
                .item(KeylessTag.SUPPLEMENTAL_PAYLOAD.code(), 1)
                .item(KeylessTag.TRACING_SPAN.code(), 2)
                .item(KeylessTag.REQUEST_CONTEXT.code(), 3)
                .item(KeylessTag.COMPLIANCE_REGION.code(), 4)
                .opcode(KeylessOpcode.PING)
                .payload(42));
        assertThat(request.failure()).isNull();
        assertThat(bytes(request.payload())).containsExactly(42);
        request.release();
    }

    @Test
    void letsTheLastOfARepeatedItemWin() {
        KeylessRequest request = decodeOne(FrameBuilder.request(17)
                .opcode(KeylessOpcode.RSA_DECRYPT)
                .payload(1)
                .item(KeylessTag.SUBJECT_KEY_IDENTIFIER.code(), filled(20, 1))
                .item(KeylessTag.SUBJECT_KEY_IDENTIFIER.code(), SKI)
                .opcode(KeylessOpcode.PING)
                .payload(2));
        assertThat(request.opcode()).isEqualTo(KeylessOpcode.PING);
        assertThat(bytes(request.ski())).isEqualTo(SKI);
        assertThat(bytes(request.payload())).containsExactly(2);
        request.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x09, 0x11, 0x18, 0x35, 0xF3, 0xFE})
    void refusesAnUnknownOpcode(int opcode) {
        assertFails(FrameBuilder.request(18).item(KeylessTag.OPCODE.code(), opcode).payload(),
                KeylessError.BAD_OPCODE);
    }

    @ParameterizedTest
    @EnumSource(value = KeylessOpcode.class, names = {"RESPONSE", "PONG", "ERROR"})
    void refusesAReplyOpcodeInARequest(KeylessOpcode opcode) {
        assertFails(FrameBuilder.request(19).opcode(opcode).payload(), KeylessError.UNEXPECTED_OPCODE);
    }

    @ParameterizedTest
    @EnumSource(value = KeylessOpcode.class, names = {"PING", "RESPONSE", "PONG", "ERROR"},
            mode = EnumSource.Mode.EXCLUDE)
    void refusesAKeyOperationThatNamesNoKey(KeylessOpcode opcode) {
        assertFails(FrameBuilder.request(20).opcode(opcode).payload(filled(32, 0)), KeylessError.FORMAT_ERROR);
    }

    @Test
    void checksTheBodyBeforeTheOpcode() {
        assertFails(FrameBuilder.request(21).item(KeylessTag.OPCODE.code(), 0x99), KeylessError.FORMAT_ERROR);
    }

    @Test
    void keepsTheFullIdRange() {
        KeylessRequest request = decodeOne(FrameBuilder.request(0xFFFFFFFF).opcode(KeylessOpcode.PING).payload());
        assertThat(Integer.toUnsignedLong(request.id())).isEqualTo(0xFFFFFFFFL);
        request.release();
    }

    @Test
    void decodesTheLargestBody() {
        int payloadLength = KeylessProtocol.MAX_BODY_LENGTH - 4 - KeylessProtocol.ITEM_HEADER_LENGTH;
        KeylessRequest request = decodeOne(
                FrameBuilder.request(22).opcode(KeylessOpcode.PING).payload(filled(payloadLength, 7)));
        assertThat(request.payload().readableBytes()).isEqualTo(payloadLength);
        request.release();
    }

    private void assertFails(FrameBuilder frame, KeylessError error) {
        KeylessRequest request = decodeOne(frame);
        assertThat(request.failure()).as("failure").isNotNull();
        assertThat(request.failure().error()).isEqualTo(error);
        assertThat(request.id()).isEqualTo(frameId(frame));
        assertThat(request.payload()).isNull();
        request.release();
    }

    private static int frameId(FrameBuilder frame) {
        return Unpooled.wrappedBuffer(frame.toBytes()).getInt(4);
    }

    private KeylessRequest decodeOne(FrameBuilder frame) {
        return decodeOne(frame.toBytes());
    }

    private KeylessRequest decodeOne(byte[] frame) {
        ByteBuf buffer = Unpooled.copiedBuffer(frame);
        sent.add(buffer);
        assertThat(channel.writeInbound(buffer)).isTrue();
        KeylessRequest request = channel.readInbound();
        assertThat(request).isNotNull();
        return request;
    }

    private static byte[] bytes(ByteBuf buffer) {
        return ByteBufUtil.getBytes(buffer);
    }
}
