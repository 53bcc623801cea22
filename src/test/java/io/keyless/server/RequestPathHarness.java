package io.keyless.server;

import io.keyless.crypto.CryptoProviders;
import io.keyless.crypto.KeyOperations;
import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyIndex;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessFrameDecoder;
import io.keyless.protocol.KeylessProtocol;
import io.keyless.protocol.KeylessRequestDecoder;
import io.keyless.protocol.KeylessResponse;
import io.keyless.protocol.KeylessResponseDecoder;
import io.keyless.protocol.KeylessResponseEncoder;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's request path (framing, decoding, dispatch to the real operations on the sample keys, response
 * writing) on one thread, fed any bytes, and checked for what must hold whatever the bytes: nothing escapes the
 * pipeline, every whole frame is answered exactly once with its id, the connection stays open, buffers are
 * released. Used by the fuzz test and its regression inputs.
 */
final class RequestPathHarness {
    private static final RequestServices SERVICES = services();

    private RequestPathHarness() {
    }

    /**
     * Writes {@code input} to a fresh connection in pieces of {@code chunk} bytes and checks every invariant.
     *
     * @throws AssertionError naming the invariant that broke
     */
    static void run(byte[] input, int chunk) {
        long inFlightBefore = SERVICES.inFlight().current();
        List<Throwable> escaped = new ArrayList<>();
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedChannel server = new EmbeddedChannel();
        server.config().setAllocator(allocator);
        server.pipeline().addLast(new KeylessFrameDecoder(), KeylessRequestDecoder.INSTANCE,
                KeylessResponseEncoder.INSTANCE, new KeylessRequestHandler(SERVICES), new Tail(escaped));
        List<ByteBuf> written = new ArrayList<>();
        try {
            for (int offset = 0; offset < input.length; offset += chunk) {
                ByteBuf piece = Unpooled.copiedBuffer(input, offset, Math.min(chunk, input.length - offset));
                written.add(piece);
                server.writeInbound(piece);
                server.runPendingTasks();
            }
            server.runPendingTasks();
            server.checkException();
            if (!escaped.isEmpty()) {
                AssertionError failure = new AssertionError("an exception left the pipeline", escaped.get(0));
                escaped.stream().skip(1).forEach(failure::addSuppressed);
                throw failure;
            }
            if (!server.isOpen()) {
                throw new AssertionError("the connection was closed");
            }
            List<Answer> answered = answers(server);
            List<Frame> expected = frames(input);
            List<Answer> unmatched = new ArrayList<>(answered);
            for (Frame frame : expected) {
                if (!takeAnswerTo(frame, unmatched)) {
                    throw new AssertionError(frame + " got no fitting answer; answers: " + answered + ", frames: "
                            + expected);
                }
            }
            if (!unmatched.isEmpty()) {
                throw new AssertionError("answers to no frame: " + unmatched + "; frames: " + expected);
            }
            for (Answer answer : answered) {
                if (answer.error() == KeylessError.INTERNAL_ERROR) {
                    throw new AssertionError("answered INTERNAL_ERROR, which only a broken server sends: " + answer);
                }
            }
            long inFlight = SERVICES.inFlight().current() - inFlightBefore;
            if (inFlight != 0) {
                throw new AssertionError(inFlight + " requests still counted in flight after every answer");
            }
        } finally {
            server.finishAndReleaseAll();
            for (ByteBuf piece : written) {
                if (piece.refCnt() != 0) {
                    throw new AssertionError("input buffer not released");
                }
            }
            allocator.assertAllReleased();
        }
    }

    /** A whole frame of the input: its id and the major version in its header. */
    record Frame(int id, int major) {
        @Override
        public String toString() {
            return "frame " + Integer.toUnsignedString(id) + " (version " + major + ")";
        }
    }

    /** A response the server wrote: its id, and its error or {@code null} for a success or a pong. */
    record Answer(int id, KeylessError error) {
        /** Whether this can be the answer to {@code frame}: a version other than 1 is refused as such. */
        boolean fits(Frame frame) {
            return id == frame.id() && (frame.major() == KeylessProtocol.VERSION_MAJOR
                    ? error != KeylessError.VERSION_MISMATCH : error == KeylessError.VERSION_MISMATCH);
        }

        @Override
        public String toString() {
            return Integer.toUnsignedString(id) + "=" + (error == null ? "OK" : error);
        }
    }

    private static boolean takeAnswerTo(Frame frame, List<Answer> answers) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).fits(frame)) {
                answers.remove(i);
                return true;
            }
        }
        return false;
    }

    /** The whole frames in {@code input}, read independently of the decoder under test. */
    static List<Frame> frames(byte[] input) {
        List<Frame> frames = new ArrayList<>();
        int position = 0;
        while (input.length - position >= KeylessProtocol.HEADER_LENGTH) {
            int length = (input[position + 2] & 0xFF) << 8 | input[position + 3] & 0xFF;
            if (input.length - position < KeylessProtocol.HEADER_LENGTH + length) {
                break;
            }
            frames.add(new Frame((input[position + 4] & 0xFF) << 24 | (input[position + 5] & 0xFF) << 16
                    | (input[position + 6] & 0xFF) << 8 | input[position + 7] & 0xFF, input[position] & 0xFF));
            position += KeylessProtocol.HEADER_LENGTH + length;
        }
        return frames;
    }

    /**
     * Decodes what the server wrote as a client would: whole responses only, each one that a client's decoder
     * accepts.
     */
    private static List<Answer> answers(EmbeddedChannel server) {
        ByteBuf out = Unpooled.buffer();
        try {
            for (ByteBuf piece; (piece = server.readOutbound()) != null; ) {
                out.writeBytes(piece);
                piece.release();
            }
            List<Answer> answers = new ArrayList<>();
            while (out.isReadable()) {
                if (out.readableBytes() < KeylessProtocol.HEADER_LENGTH) {
                    throw new AssertionError("the server wrote part of a response header");
                }
                int length = KeylessProtocol.HEADER_LENGTH + out.getUnsignedShort(out.readerIndex() + 2);
                if (out.readableBytes() < length) {
                    throw new AssertionError("the server wrote part of a response");
                }
                ByteBuf frame = out.readSlice(length);
                KeylessResponse response = KeylessResponseDecoder.decode(frame);
                answers.add(new Answer(response.id(), response.error()));
                response.release();
            }
            return answers;
        } finally {
            out.release();
        }
    }

    private static RequestServices services() {
        try {
            CryptoProviders providers = CryptoProviders.select(null);
            KeyIndex keys = KeyDirectory.load(Path.of("keys/sample"), providers::translate);
            WorkerPool workers = WorkerPool.callerRuns();
            return new RequestServices(new AtomicReference<>(keys), new KeyOperations(providers), workers,
                    new CompletionDelivery(workers), new InFlightRequests(), new AccessLog(false),
                    new ServerMetrics(true),                    ServerConfig.DEFAULT_MAX_PENDING, new AtomicBoolean());
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the sample keys", e);
        }
    }

    /** Remembers every buffer the pipeline allocates, so that one it never released can be found. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return track(new UnpooledDirectByteBuf(UnpooledByteBufAllocator.DEFAULT, initialCapacity, maxCapacity));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        private ByteBuf track(ByteBuf buffer) {
            allocated.add(buffer);
            return buffer;
        }

        void assertAllReleased() {
            for (ByteBuf buffer : allocated) {
                if (buffer.refCnt() != 0) {
                    throw new AssertionError("a buffer of " + buffer.capacity() + " bytes the pipeline allocated "
                            + "was never released");
                }
            }
        }
    }

    /** The end of the pipeline: nothing may reach it but requests the handler declined, and no exception. */
    private static final class Tail extends ChannelInboundHandlerAdapter {
        private final List<Throwable> escaped;

        Tail(List<Throwable> escaped) {
            this.escaped = escaped;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            escaped.add(new IllegalStateException("unexpected message " + msg));
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            escaped.add(cause);
        }
    }
}
