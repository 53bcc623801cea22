package io.keyless.server;

import io.keyless.protocol.KeylessFrameDecoder;
import io.keyless.protocol.KeylessRequestDecoder;
import io.keyless.protocol.KeylessResponseEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits each accepted connection if the connection limit allows, and builds its pipeline: the idle timer, TLS
 * with its handshake timeout, framing, request decoding, response encoding, the request handler, and the
 * connection's event log.
 */
final class KeylessChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(KeylessChannelInitializer.class);

    private volatile SslContext sslContext;
    private final RequestServices services;
    private final ChannelGroup channels;
    private final ServerConfig config;
    private final AtomicInteger open = new AtomicInteger();
    private final LimitWarning refused;

    KeylessChannelInitializer(SslContext sslContext, RequestServices services, ChannelGroup channels,
                              ServerConfig config) {
        this.sslContext = sslContext;
        this.services = services;
        this.channels = channels;
        this.config = config;
        this.refused = new LimitWarning(log, Level.WARN,
                "limit hit: connection refused max_connections=" + config.maxConnections());
    }

    /** Uses {@code context} for connections accepted from now on; those open keep the one they started with. */
    void sslContext(SslContext context) {
        this.sslContext = context;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        if (open.incrementAndGet() > config.maxConnections()) {
            open.decrementAndGet();
            refused.hit();
            services.metrics().connectionRefused();
            log.debug("connection peer={} refused: max_connections={} reached", channel.remoteAddress(),
                    config.maxConnections());
            // Closed before TLS starts: a flood of connections costs no handshakes.
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());

        SslHandler tls = sslContext.newHandler(channel.alloc());
        // ResponseWriter keeps responses whole within records of this size.
        tls.setWrapDataSize(ServerTls.MAX_RECORD_PLAINTEXT);
        tls.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
        if (!config.idleTimeout().isZero()) {
            // Output the peer does not take counts as silence too; the request handler keeps a connection whose
            // answers the server is still working on.
            channel.pipeline().addLast("idle", new IdleStateHandler(true, 0, 0, config.idleTimeout().toMillis(),
                    TimeUnit.MILLISECONDS));
        }
        channel.pipeline()
                .addLast("tls", tls)
                .addLast("frames", new KeylessFrameDecoder())
                .addLast("requests", KeylessRequestDecoder.INSTANCE)
                .addLast("responses", KeylessResponseEncoder.INSTANCE)
                .addLast("handler", new KeylessRequestHandler(services))
                .addLast("events", new ConnectionEvents(services.metrics()));
        channels.add(channel);
    }
}
