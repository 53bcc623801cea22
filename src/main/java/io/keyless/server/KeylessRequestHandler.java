package io.keyless.server;

import io.keyless.crypto.KeyOperations;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessFrameDecoder;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessProtocolException;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/**
 * Answers one connection's requests: protocol errors and pings at once on the event loop, key operations on a
 * worker thread, each response written as soon as it is ready, whatever the order the requests came in.
 */
final class KeylessRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KeylessRequestHandler.class);

    private final RequestServices services;
    private ResponseWriter writer;
    private ReadThrottle throttle;
    private CompletionDelivery.Loop delivery;

    KeylessRequestHandler(RequestServices services) {
        this.services = services;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        throttle = new ReadThrottle(ctx, services.maxPending(), services.pendingLimitHit(), services.stopping());
        delivery = services.delivery().loop(ctx.executor());
        writer = new ResponseWriter(ctx, written -> {
            services.inFlight().ended();
            throttle.responseWritten();
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        throttle.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (throttle.pending() > 0 && ctx.channel().isWritable()) {
                // The silence is the server's: answers are still being worked on. The timer starts again.
                return;
            }
            KeylessFrameDecoder frames = ctx.pipeline().get(KeylessFrameDecoder.class);
            log.info("connection peer={} closed: idle timeout, partial_request_bytes={} pending={} writable={}",
                    ctx.channel().remoteAddress(), frames == null ? 0 : frames.bufferedBytes(), throttle.pending(),
                    ctx.channel().isWritable());
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof KeylessRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        KeylessRequest request = (KeylessRequest) msg;
        long start = System.nanoTime();
        services.inFlight().started();
        throttle.requestStarted();
        AccessLog.Entry entry = services.accessLog().start(ctx.channel(), request, start);
        KeylessOpcode opcode = request.failure() == null ? request.opcode() : null;
        Answer answer = new Answer(request.id(), opcode, start, entry);
        try {
            dispatch(request, answer);
        } catch (RuntimeException e) {
            // Nothing on this path is known to throw; if something does, the request still gets its one answer.
            log.warn("request failed before its operation id={} error=\"{}\"", Integer.toUnsignedString(request.id()),
                    e.toString().replace('"', '\''));
            answer.error(new KeylessProtocolException(KeylessError.INTERNAL_ERROR, e.toString()));
        } finally {
            request.release();
        }
    }

    private void dispatch(KeylessRequest request, Answer answer) {
        KeylessProtocolException failure = request.failure();
        if (failure != null) {
            answer.error(failure);
            return;
        }

        KeylessOpcode opcode = request.opcode();
        if (opcode == KeylessOpcode.PING) {
            ByteBuf echo = request.payload();
            if (echo.readableBytes() > KeylessResponse.MAX_PAYLOAD_LENGTH) {
                answer.error(new KeylessProtocolException(KeylessError.FORMAT_ERROR, "ping payload too long to echo"));
                return;
            }
            answer.send(KeylessResponse.pong(request.id(), echo.retainedSlice()), null);
            return;
        }

        LoadedKey key = services.keys().get().find(request.ski(), request.digest());
        if (key == null) {
            answer.error(new KeylessProtocolException(KeylessError.KEY_NOT_FOUND, "no such key"));
            return;
        }
        if (answer.entry != null) {
            answer.entry.key(key);
        }
        try {
            // Refused here rather than on a worker: a request that must fail costs no queue memory or worker time.
            KeyOperations.check(opcode, key, request.payload().readableBytes());
        } catch (KeylessProtocolException e) {
            answer.error(e);
            return;
        }

        // The one copy of the payload, into the array the provider takes.
        byte[] input = KeyOperations.input(opcode, key, request.payload());
        services.workers().submit(new Operation(answer, key, input));
    }

    /**
     * How a request's one answer goes out: written on the event loop, then counted in the metrics and, under
     * {@code --verbose}, logged.
     */
    private final class Answer {
        private final int id;
        private final KeylessOpcode opcode;
        private final long startNanos;
        private final AccessLog.Entry entry;

        Answer(int id, KeylessOpcode opcode, long startNanos, AccessLog.Entry entry) {
            this.id = id;
            this.opcode = opcode;
            this.startNanos = startNanos;
            this.entry = entry;
        }

        /** Sends {@code response}; {@code reason} says why it is an error, {@code null} if it is none. */
        void send(KeylessResponse response, String reason) {
            KeylessError error = response.error();
            writer.write(response);
            services.metrics().answered(opcode, error, startNanos);
            if (entry != null) {
                entry.finish(error == null ? "OK" : error.name(), reason);
            }
        }

        void error(KeylessProtocolException failure) {
            send(KeylessResponse.error(id, failure.error()), failure.getMessage());
        }
    }

    /** One private-key operation, run on a worker and answered on the connection's event loop. */
    private final class Operation implements WorkerPool.Task {
        private final Answer answer;
        private final int id;
        private final KeylessOpcode opcode;
        private final LoadedKey key;
        private final byte[] input;

        Operation(Answer answer, LoadedKey key, byte[] input) {
            this.answer = answer;
            this.id = answer.id;
            this.opcode = answer.opcode;
            this.key = key;
            this.input = input;
        }

        @Override
        public void run() {
            KeylessResponse response;
            String reason = null;
            boolean timed = services.metrics().timesOperations();
            long start = timed ? System.nanoTime() : 0;
            try {
                byte[] result = services.operations().execute(opcode, key, input);
                response = KeylessResponse.success(id, Unpooled.wrappedBuffer(result));
            } catch (KeylessProtocolException e) {
                response = KeylessResponse.error(id, e.error());
                reason = e.getMessage();
            } catch (Throwable e) {
                // Whatever broke, this request still gets its one answer and the worker lives on. A failing provider
                // fails every request: one line each, the stack trace only for whoever debugs it.
                log.warn("operation failed key={} op={} id={} error=\"{}\"", key.file().getFileName(), opcode,
                        Integer.toUnsignedString(id), e.toString().replace('"', '\''));
                log.debug("operation failure key={} id={}", key.file().getFileName(), Integer.toUnsignedString(id), e);
                response = KeylessResponse.error(id, KeylessError.INTERNAL_ERROR);
                reason = e.toString();
            }
            if (timed) {
                services.metrics().executed(opcode, response.error(), System.nanoTime() - start);
            }
            deliver(response, reason);
        }

        @Override
        public void rejected() {
            deliver(KeylessResponse.error(id, KeylessError.INTERNAL_ERROR), "worker queue full");
        }

        private void deliver(KeylessResponse response, String reason) {
            try {
                delivery.deliver(() -> answer.send(response, reason));
            } catch (RejectedExecutionException e) {
                // The event loop has stopped: the connection is gone and nobody will read this answer.
                response.release();
                services.inFlight().ended();
            }
        }
    }
}
