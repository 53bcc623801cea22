package io.keyless.server;

import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stops reading from a connection while it has too many requests unanswered or too much output the peer has not
 * taken, and reads again once both have drained. A client that pipelines without end, or stops reading its
 * responses, then waits in TCP's flow control instead of making the server buffer without bound; no request is
 * dropped.
 *
 * <p>Event loop only.
 */
final class ReadThrottle {
    private static final Logger log = LoggerFactory.getLogger(ReadThrottle.class);

    private final ChannelHandlerContext ctx;
    private final int maxPending;
    private final LimitWarning limitHit;
    private final AtomicBoolean stopping;
    private int pending;
    private boolean paused;

    /**
     * @param maxPending requests of this connection that may be unanswered before reading stops
     * @param limitHit told each time a connection reaches {@code maxPending}
     * @param stopping set when the server stops: reading must then stay off
     */
    ReadThrottle(ChannelHandlerContext ctx, int maxPending, LimitWarning limitHit, AtomicBoolean stopping) {
        this.ctx = ctx;
        this.maxPending = maxPending;
        this.limitHit = limitHit;
        this.stopping = stopping;
    }

    /** Requests of this connection received and not yet answered. */
    int pending() {
        return pending;
    }

    void requestStarted() {
        pending++;
        update();
    }

    void responseWritten() {
        pending--;
        update();
    }

    void writabilityChanged() {
        update();
    }

    private void update() {
        boolean writable = ctx.channel().isWritable();
        if (!paused && (pending >= maxPending || !writable)) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            if (pending >= maxPending) {
                limitHit.hit();
            }
            log.debug("connection peer={} reading paused pending={} writable={}", ctx.channel().remoteAddress(),
                    pending, writable);
        } else if (paused && writable && pending <= maxPending / 2 && !stopping.get()) {
            // Half way down, so that a client at the limit does not flip reading on and off with every answer.
            paused = false;
            ctx.channel().config().setAutoRead(true);
            log.debug("connection peer={} reading resumed pending={}", ctx.channel().remoteAddress(), pending);
        }
    }
}
