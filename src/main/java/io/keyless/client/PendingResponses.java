package io.keyless.client;

import io.keyless.protocol.KeylessResponse;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Completes each request's future with the response carrying its id, in whatever order responses arrive.
 */
final class PendingResponses extends ChannelInboundHandlerAdapter {
    private final Map<Integer, CompletableFuture<KeylessResponse>> pending = new ConcurrentHashMap<>();
    private final AtomicLong unmatched = new AtomicLong();
    private volatile Throwable closedBy;

    /** Registers a request about to be written; fails at once if the connection is already closed. */
    CompletableFuture<KeylessResponse> expect(int id) {
        CompletableFuture<KeylessResponse> future = new CompletableFuture<>();
        if (pending.putIfAbsent(id, future) != null) {
            throw new IllegalStateException("a request with id " + Integer.toUnsignedString(id) + " is in flight");
        }
        Throwable cause = closedBy;
        if (cause != null && pending.remove(id, future)) {
            future.completeExceptionally(cause);
        }
        return future;
    }

    /** Forgets a request that could not be written. */
    void abandon(int id, Throwable cause) {
        CompletableFuture<KeylessResponse> future = pending.remove(id);
        if (future != null) {
            future.completeExceptionally(cause);
        }
    }

    int pending() {
        return pending.size();
    }

    /** Responses whose id matched no request in flight: a server answering twice, or with a wrong id. */
    long unmatched() {
        return unmatched.get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        KeylessResponse response = (KeylessResponse) msg;
        CompletableFuture<KeylessResponse> future = pending.remove(response.id());
        if (future == null) {
            unmatched.incrementAndGet();
            response.release();
            return;
        }
        future.complete(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failAll(new IOException("connection failed: " + cause.getMessage(), cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failAll(new ClosedChannelException());
        ctx.fireChannelInactive();
    }

    private void failAll(Throwable cause) {
        if (closedBy == null) {
            closedBy = cause;
        }
        for (Integer id : pending.keySet()) {
            CompletableFuture<KeylessResponse> future = pending.remove(id);
            if (future != null) {
                future.completeExceptionally(cause);
            }
        }
    }
}
