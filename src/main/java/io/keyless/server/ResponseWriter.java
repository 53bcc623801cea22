package io.keyless.server;

import io.keyless.protocol.KeylessResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

/**
 * Writes one connection's responses so that no response straddles two TLS records, and flushes once for all the
 * responses that are ready together instead of once per response.
 *
 * <p>The TLS handler wraps whatever is pending at a flush into records of at most
 * {@link ServerTls#MAX_RECORD_PLAINTEXT} bytes, cutting a write where a record fills up. So this writer flushes
 * before a response would push the pending bytes past one record, and a response larger than a record is flushed
 * on its own, starting a record. Some deployed clients read the 8-byte header with one TLS read and fail when it
 * arrives split.
 *
 * <p>Event loop only.
 */
final class ResponseWriter {
    private final ChannelHandlerContext ctx;
    private final ChannelFutureListener written;
    private final Runnable flushTask = this::flushScheduled;
    private int unflushedBytes;
    private boolean flushPending;

    /**
     * @param ctx the context to write from; responses pass the encoder and the TLS handler after it
     * @param written told when each response's write completes or fails
     */
    ResponseWriter(ChannelHandlerContext ctx, ChannelFutureListener written) {
        this.ctx = ctx;
        this.written = written;
    }

    void write(KeylessResponse response) {
        int length = response.encodedLength();
        if (unflushedBytes > 0 && unflushedBytes + length > ServerTls.MAX_RECORD_PLAINTEXT) {
            flush();
        }
        ctx.write(response).addListener(written);
        unflushedBytes += length;
        if (unflushedBytes >= ServerTls.MAX_RECORD_PLAINTEXT) {
            flush();
        } else if (!flushPending) {
            // Runs after the tasks already queued on this event loop, so that responses completed together, or
            // answered while reading one batch of requests, share a flush and a TLS record.
            flushPending = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushScheduled() {
        flushPending = false;
        if (unflushedBytes > 0) {
            flush();
        }
    }

    private void flush() {
        unflushedBytes = 0;
        ctx.flush();
    }
}
