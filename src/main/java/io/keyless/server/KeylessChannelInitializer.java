package io.keyless.server;

import io.keyless.protocol.KeylessFrameDecoder;
import io.keyless.protocol.KeylessRequestDecoder;
import io.keyless.protocol.KeylessResponseEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Builds each accepted connection's pipeline: TLS, framing, request decoding, response encoding, the request
 * handler, and the connection's event log.
 */
final class KeylessChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext sslContext;
    private final RequestServices services;
    private final ChannelGroup channels;

    KeylessChannelInitializer(SslContext sslContext, RequestServices services, ChannelGroup channels) {
        this.sslContext = sslContext;
        this.services = services;
        this.channels = channels;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        SslHandler tls = sslContext.newHandler(channel.alloc());
        // ResponseWriter keeps responses whole within records of this size.
        tls.setWrapDataSize(ServerTls.MAX_RECORD_PLAINTEXT);
        channel.pipeline()
                .addLast("tls", tls)
                .addLast("frames", new KeylessFrameDecoder())
                .addLast("requests", KeylessRequestDecoder.INSTANCE)
                .addLast("responses", KeylessResponseEncoder.INSTANCE)
                .addLast("handler", new KeylessRequestHandler(services))
                .addLast("events", new ConnectionEvents());
        channels.add(channel);
    }
}
