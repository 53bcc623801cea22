package io.keyless.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** What the protocol costs per request: decoding a signing request, encoding its padded response. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf request;
    private byte[] signature;

    @Setup
    public void setUp() {
        KeylessRequest built = KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                .id(7)
                .ski(new byte[KeylessProtocol.SKI_LENGTH])
                .digest(new byte[KeylessProtocol.DIGEST_LENGTH])
                .serverName("www.example.com")
                .payload(new byte[32])
                .build();
        request = KeylessRequestEncoder.encode(alloc, built);
        signature = new byte[256];
    }

    @TearDown
    public void tearDown() {
        request.release();
    }

    /** A frame as the frame decoder hands it on: a retained slice, decoded and released. */
    @Benchmark
    public int decodeRequest() {
        ByteBuf frame = request.retainedSlice();
        KeylessRequest decoded = KeylessRequestDecoder.decode(frame);
        frame.release();
        int id = decoded.id() + decoded.payload().readableBytes();
        decoded.release();
        return id;
    }

    /** An RSA-2048 signature wrapped in its response and encoded to the wire. */
    @Benchmark
    public int encodeResponse() {
        ByteBuf wire = KeylessResponseEncoder.encode(alloc,
                KeylessResponse.success(7, Unpooled.wrappedBuffer(signature)));
        int length = wire.readableBytes();
        wire.release();
        return length;
    }
}
