package io.keyless.client;

import io.keyless.keys.KeyFileException;
import io.keyless.keys.LoadedKey;
import io.keyless.keys.PemCertificates;
import io.keyless.keys.PemPrivateKeys;
import io.keyless.protocol.KeylessFrameDecoder;
import io.keyless.protocol.KeylessRequestEncoder;
import io.keyless.protocol.KeylessResponseDecoder;
import io.keyless.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client of the Keyless protocol over mutually authenticated TLS, as an edge server talks to a key server. Opens
 * {@link KeylessConnection}s that pipeline requests and match responses by id.
 *
 * <p>Owns one event loop group, released by {@link #close()}.
 */
public final class KeylessClient implements AutoCloseable {
    private final SslContext sslContext;
    private final EventLoopGroup group;
    private final Transport transport;
    private final Duration timeout;

    private KeylessClient(Builder builder) throws IOException {
        this.sslContext = builder.sslContext();
        this.transport = Transport.choose(false);
        this.group = transport.newGroup(builder.threads, "keyless-client");
        this.timeout = builder.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects and completes the TLS handshake.
     *
     * @throws SSLException when the handshake fails, for instance because the server refused the certificate
     * @throws IOException when the server cannot be reached in time
     */
    public KeylessConnection connect(String host, int port) throws IOException {
        // Held here rather than looked up later: a server that refuses the handshake at once can close the
        // channel, and so empty its pipeline, before the connect future's waiter wakes up.
        AtomicReference<SslHandler> tls = new AtomicReference<>();
        ChannelFuture connected = new Bootstrap()
                .group(group)
                .channel(transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        tls.set(sslContext.newHandler(channel.alloc(), host, port));
                        channel.pipeline()
                                .addLast("tls", tls.get())
                                // Requests written while responses are being read go out together at the end of
                                // the read, not one TLS record and one system call each.
                                .addLast("flushes", new FlushConsolidationHandler(256, false))
                                .addLast("frames", new KeylessFrameDecoder())
                                .addLast("responses", KeylessResponseDecoder.INSTANCE)
                                .addLast("requests", KeylessRequestEncoder.INSTANCE)
                                .addLast("pending", new PendingResponses());
                    }
                })
                .connect(host, port);
        Channel channel = await(connected, "connect to " + host + ":" + port).channel();
        Future<Channel> handshake = tls.get().handshakeFuture();
        if (!handshake.awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            channel.close();
            throw new IOException("TLS handshake with " + host + ":" + port + " timed out");
        }
        if (!handshake.isSuccess()) {
            channel.close();
            Throwable cause = handshake.cause();
            throw cause instanceof SSLException ssl ? ssl : new SSLException(cause.getMessage(), cause);
        }
        return new KeylessConnection(channel);
    }

    private ChannelFuture await(ChannelFuture future, String what) throws IOException {
        if (!future.awaitUninterruptibly(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
            future.cancel(false);
            throw new IOException(what + " timed out");
        }
        if (!future.isSuccess()) {
            throw new IOException("cannot " + what + ": " + future.cause().getMessage(), future.cause());
        }
        return future;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The certificate, key and trust a client presents and checks. */
    public static final class Builder {
        private Path certificate;
        private Path key;
        private Path trustedCa;
        private SslProvider provider;
        private List<String> protocols = List.of("TLSv1.2");
        private List<String> ciphers;
        private boolean verifyHostname = true;
        private int threads = 1;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The client certificate (with its chain) and its key; without them the server refuses the handshake. */
        public Builder clientCertificate(Path certificate, Path key) {
            this.certificate = certificate;
            this.key = key;
            return this;
        }

        /** The CA file that the server's certificate must chain to. */
        public Builder trustedCa(Path trustedCa) {
            this.trustedCa = trustedCa;
            return this;
        }

        /** The TLS implementation; by default BoringSSL when available, else the JDK's. */
        public Builder provider(SslProvider provider) {
            this.provider = provider;
            return this;
        }

        /** The protocol versions to offer; TLS 1.2 by default, which is all a key server speaks. */
        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        /** The cipher suites to offer, by Java name; the implementation's defaults otherwise. */
        public Builder ciphers(String... ciphers) {
            this.ciphers = List.of(ciphers);
            return this;
        }

        /** Whether the server certificate must name the host connected to; on by default. */
        public Builder verifyHostname(boolean verifyHostname) {
            this.verifyHostname = verifyHostname;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** How long connecting and the handshake may take. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public KeylessClient build() throws IOException {
            return new KeylessClient(this);
        }

        private SslContext sslContext() throws IOException {
            try {
                SslContextBuilder builder = SslContextBuilder.forClient()
                        .protocols(protocols)
                        .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
                if (provider != null) {
                    builder.sslProvider(provider);
                }
                if (ciphers != null) {
                    builder.ciphers(ciphers);
                }
                if (trustedCa != null) {
                    builder.trustManager(PemCertificates.read(trustedCa).toArray(new X509Certificate[0]));
                }
                if (certificate != null) {
                    LoadedKey loaded = PemPrivateKeys.read(key);
                    builder.keyManager(new ClientKeyManager(loaded.privateKey(),
                            PemCertificates.read(certificate).toArray(new X509Certificate[0])));
                }
                return builder.build();
            } catch (KeyFileException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }
}
