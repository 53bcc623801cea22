package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the codec that must hold for every message, not only the ones a hand-written test thinks of: what
 * is encoded decodes to the same thing, and how the network cuts a stream into reads changes nothing.
 */
class KeylessCodecPropertiesTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Property(tries = 500)
    void aRequestDecodesToWhatWasEncoded(@ForAll("requests") Request sent) {
        ByteBuf wire = KeylessRequestEncoder.encode(ALLOC, sent.build());
        try {
            assertThat(wire.readableBytes()).isEqualTo(KeylessProtocol.HEADER_LENGTH + wire.getUnsignedShort(2));
            assertThat(Request.of(KeylessRequestDecoder.decode(wire))).isEqualTo(sent);
        } finally {
            wire.release();
        }
    }

    @Property(tries = 500)
    void aResponseDecodesToWhatWasEncoded(@ForAll int id, @ForAll("responseOpcodes") KeylessOpcode opcode,
                                          @ForAll @Size(max = 2048) byte[] payload) {
        KeylessResponse sent = new KeylessResponse(id, opcode, Unpooled.wrappedBuffer(payload));
        int encodedLength = sent.encodedLength();
        ByteBuf wire = KeylessResponseEncoder.encode(ALLOC, sent);
        try {
            assertThat(wire.readableBytes()).isEqualTo(encodedLength);
            KeylessResponse received = KeylessResponseDecoder.decode(wire);
            assertThat(received.id()).isEqualTo(id);
            assertThat(received.opcode()).isEqualTo(opcode);
            assertThat(ByteBufUtil.getBytes(received.payload())).isEqualTo(payload);
            received.release();
        } finally {
            wire.release();
        }
    }

    @Property(tries = 300)
    void anErrorResponseDecodesToItsError(@ForAll int id, @ForAll KeylessError error) {
        ByteBuf wire = KeylessResponseEncoder.encode(ALLOC, KeylessResponse.error(id, error));
        try {
            KeylessResponse received = KeylessResponseDecoder.decode(wire);
            assertThat(received.id()).isEqualTo(id);
            assertThat(received.error()).isEqualTo(error);
            received.release();
        } finally {
            wire.release();
        }
    }

    @Property(tries = 300)
    void anySplitOfAStreamDecodesToTheSameRequests(
            @ForAll @Size(min = 1, max = 12) List<@From("requests") Request> sent, @ForAll List<Integer> cutSeeds) {
        ByteBuf stream = Unpooled.buffer();
        for (Request request : sent) {
            ByteBuf wire = KeylessRequestEncoder.encode(ALLOC, request.build());
            stream.writeBytes(wire);
            wire.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(stream);
        stream.release();

        EmbeddedChannel channel = new EmbeddedChannel(new KeylessFrameDecoder(), KeylessRequestDecoder.INSTANCE);
        int from = 0;
        for (int cut : cuts(cutSeeds, bytes.length)) {
            channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, cut)));
            from = cut;
        }
        List<Request> received = new ArrayList<>();
        for (KeylessRequest request; (request = channel.readInbound()) != null; ) {
            received.add(Request.of(request));
        }
        assertThat(channel.finish()).isFalse();
        assertThat(received).isEqualTo(sent);
    }

    /** Cut positions inside {@code length} bytes, always ending with the end of the stream. */
    private static TreeSet<Integer> cuts(List<Integer> seeds, int length) {
        TreeSet<Integer> cuts = new TreeSet<>();
        for (int seed : seeds) {
            cuts.add(Math.floorMod(seed, length));
        }
        cuts.remove(0);
        cuts.add(length);
        return cuts;
    }

    @Provide
    Arbitrary<KeylessOpcode> responseOpcodes() {
        return Arbitraries.of(KeylessOpcode.RESPONSE, KeylessOpcode.PONG);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<KeylessOpcode> opcode = Arbitraries.of(KeylessOpcode.class)
                .filter(candidate -> candidate.kind() != KeylessOpcode.Kind.REPLY);
        Arbitrary<Integer> id = Arbitraries.integers();
        Arbitrary<byte[]> digest = Arbitraries.bytes().array(byte[].class).ofSize(32).injectNull(0.3);
        Arbitrary<byte[]> ski = Arbitraries.bytes().array(byte[].class).ofSize(20).injectNull(0.3);
        Arbitrary<String> serverName = Arbitraries.strings().withCharRange('a', 'z').withChars('.', '-')
                .ofMinLength(1).ofMaxLength(64).injectNull(0.3);
        Arbitrary<byte[]> clientIp = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofSize(4),
                Arbitraries.bytes().array(byte[].class).ofSize(16)).injectNull(0.3);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(1024);
        // Only requests the server accepts: one naming no key for a key operation decodes as a failure.
        return Combinators.combine(opcode, id, digest, ski, serverName, clientIp, payload).as(Request::new)
                .filter(request -> !request.opcode().needsKey() || request.digest() != null || request.ski() != null);
    }

    /** A request's content, compared by value. */
    record Request(KeylessOpcode opcode, int id, byte[] digest, byte[] ski, String serverName, byte[] clientIp,
                   byte[] payload) {
        KeylessRequest build() {
            try {
                return KeylessRequest.builder(opcode).id(id).digest(digest).ski(ski).serverName(serverName)
                        .clientIp(clientIp == null ? null : InetAddress.getByAddress(clientIp)).payload(payload)
                        .build();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }

        /** Reads a decoded request and releases it. */
        static Request of(KeylessRequest request) {
            try {
                assertThat(request.failure()).as("decoding failure").isNull();
                return new Request(request.opcode(), request.id(), bytes(request.digest()), bytes(request.ski()),
                        request.serverName() == null ? null : request.serverName().toString(StandardCharsets.UTF_8),
                        bytes(request.clientIp()), ByteBufUtil.getBytes(request.payload()));
            } finally {
                request.release();
            }
        }

        private static byte[] bytes(ByteBuf buffer) {
            return buffer == null ? null : ByteBufUtil.getBytes(buffer);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Request that && opcode == that.opcode && id == that.id
                    && Arrays.equals(digest, that.digest) && Arrays.equals(ski, that.ski)
                    && Objects.equals(serverName, that.serverName)
                    && Arrays.equals(clientIp, that.clientIp) && Arrays.equals(payload, that.payload);
        }

        @Override
        public int hashCode() {
            return Objects.hash(opcode, id, serverName) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Request(" + opcode + ", id=" + Integer.toUnsignedString(id) + ", payload=" + payload.length
                    + " bytes, digest=" + (digest != null) + ", ski=" + (ski != null) + ", sni=" + serverName
                    + ", ip=" + (clientIp == null ? "none" : clientIp.length + " bytes") + ")";
        }
    }
}
