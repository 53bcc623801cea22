package io.keyless.client;

import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection to a key server. Thread-safe: any number of requests may be in flight, sent from any thread;
 * each future completes with the response that carries its request's id.
 */
public final class KeylessConnection implements AutoCloseable {
    private final Channel channel;
    private final PendingResponses pending;
    private final AtomicInteger ids = new AtomicInteger();

    KeylessConnection(Channel channel) {
        this.channel = channel;
        this.pending = channel.pipeline().get(PendingResponses.class);
    }

    /** An id not used before on this connection (until 2^32 requests wrap it). */
    public int nextId() {
        return ids.incrementAndGet();
    }

    /** Sends a request, under a fresh id unless the builder was given one. */
    public CompletableFuture<KeylessResponse> send(KeylessRequest.Builder request) {
        if (!request.hasId()) {
            request.id(nextId());
        }
        return send(request.build());
    }

    /** Sends a request under the id it carries, which must not be in flight already. */
    public CompletableFuture<KeylessResponse> send(KeylessRequest request) {
        return write(request.id(), request, true);
    }

    /** Queues a request without flushing; {@link #flush()} sends everything queued in as few writes as possible. */
    public CompletableFuture<KeylessResponse> queue(KeylessRequest request) {
        return write(request.id(), request, false);
    }

    /**
     * Sends bytes as they are, for requests no well-behaved client would build, and expects a response with
     * {@code id}.
     */
    public CompletableFuture<KeylessResponse> sendRaw(int id, byte[] bytes) {
        return write(id, Unpooled.wrappedBuffer(bytes), true);
    }

    /**
     * Expects a response with {@code id} to a request sent some other way, for instance inside the bytes of a
     * {@link #sendRaw} that carried several frames.
     */
    public CompletableFuture<KeylessResponse> expect(int id) {
        return pending.expect(id);
    }

    /** Sends bytes as they are without expecting any response. */
    public ChannelFuture sendRawUnanswered(byte[] bytes) {
        return channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    public void flush() {
        channel.flush();
    }

    private CompletableFuture<KeylessResponse> write(int id, Object message, boolean flush) {
        CompletableFuture<KeylessResponse> future = pending.expect(id);
        ChannelFuture written = flush ? channel.writeAndFlush(message) : channel.write(message);
        written.addListener(f -> {
            if (!f.isSuccess()) {
                pending.abandon(id, f.cause());
            }
        });
        return future;
    }

    /**
     * The thread this connection's I/O runs on. Requests sent from it, for instance from a response's callback or a
     * task scheduled on it, are written without a hand-over between threads.
     */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Requests sent and not yet answered. */
    public int pending() {
        return pending.pending();
    }

    /** Responses that matched no request in flight; a correct server never sends one. */
    public long unmatchedResponses() {
        return pending.unmatched();
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** The TLS session, for the negotiated protocol and cipher suite. */
    public SSLSession session() {
        return channel.pipeline().get(SslHandler.class).engine().getSession();
    }

    /** Closes the connection; requests still in flight fail. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
