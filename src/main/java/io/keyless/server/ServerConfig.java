package io.keyless.server;

import io.keyless.crypto.CryptoProvider;
import io.keyless.crypto.CryptoProviders;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link KeylessServer} needs to start, as the command line or a test gives it.
 */
public final class ServerConfig {
    /** The reference server's port. */
    public static final int DEFAULT_PORT = 2407;

    /** How many private-key operations may wait for a worker before new ones are refused. */
    public static final int DEFAULT_MAX_QUEUED = 65536;

    /**
     * Network event loops: one per four CPUs. The loops only frame, decrypt and encrypt; with fewer of them, each
     * has more to do per wake-up, and wake-ups are what network work costs most here.
     */
    public static final int DEFAULT_IO_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);

    /** Requests one connection may have unanswered before the server stops reading from it. */
    public static final int DEFAULT_MAX_PENDING = 1024;

    /** How long a stop waits for requests already received before it closes their connections. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    /**
     * Connections open at once. A guard against running out of file descriptors and memory (each TLS connection
     * holds some tens of kilobytes), far above what a fleet of TLS terminators keeps open.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    /** How long a client has to complete its TLS handshake. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long a connection may pass nothing in either direction, while the server owes it nothing, before it is
     * closed: peers that vanished without a FIN, and peers that sent part of a request and stopped.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /** The port of the metrics endpoint when it is asked for without one: gokeyless's. */
    public static final int DEFAULT_METRICS_PORT = 2406;

    /** How long before a certificate expires the server starts warning about it. */
    public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(30);

    /** How often a running server checks its certificates' expiry again, counted from start-up. */
    public static final Duration DEFAULT_EXPIRY_CHECK_PERIOD = Duration.ofDays(1);

    /** Which TLS implementation to use. */
    public enum TlsImplementation {
        /** BoringSSL through netty-tcnative when it loads, else the JDK's. */
        AUTO,
        OPENSSL,
        JDK
    }

    private final InetAddress address;
    private final int port;
    private final Path caFile;
    private final Path serverCert;
    private final Path serverKey;
    private final Path keyDirectory;
    private final int workers;
    private final int ioThreads;
    private final int maxQueued;
    private final int maxPending;
    private final int maxConnections;
    private final Duration handshakeTimeout;
    private final Duration idleTimeout;
    private final boolean accessLog;
    private final TlsImplementation tls;
    private final boolean forceNio;
    private final Duration shutdownGrace;
    private final CryptoProvider cryptoProvider;
    private final CryptoProviders cryptoProviders;
    private final InetSocketAddress metricsAddress;
    private final Duration expiryWarning;
    private final Duration expiryCheckPeriod;

    private ServerConfig(Builder builder) {
        this.address = builder.address;
        this.port = builder.port;
        this.caFile = Objects.requireNonNull(builder.caFile, "caFile");
        this.serverCert = Objects.requireNonNull(builder.serverCert, "serverCert");
        this.serverKey = Objects.requireNonNull(builder.serverKey, "serverKey");
        this.keyDirectory = Objects.requireNonNull(builder.keyDirectory, "keyDirectory");
        this.workers = builder.workers;
        this.ioThreads = builder.ioThreads;
        this.maxQueued = builder.maxQueued;
        this.maxPending = builder.maxPending;
        this.maxConnections = builder.maxConnections;
        this.handshakeTimeout = Objects.requireNonNull(builder.handshakeTimeout, "handshakeTimeout");
        this.idleTimeout = Objects.requireNonNull(builder.idleTimeout, "idleTimeout");
        this.accessLog = builder.accessLog;
        this.tls = builder.tls;
        this.forceNio = builder.forceNio;
        this.shutdownGrace = builder.shutdownGrace;
        this.cryptoProvider = builder.cryptoProvider;
        this.cryptoProviders = builder.cryptoProviders;
        this.metricsAddress = builder.metricsAddress;
        this.expiryWarning = Objects.requireNonNull(builder.expiryWarning, "expiryWarning");
        this.expiryCheckPeriod = Objects.requireNonNull(builder.expiryCheckPeriod, "expiryCheckPeriod");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, not " + ioThreads);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be at least 1, not " + maxQueued);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, not " + maxPending);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, not " + handshakeTimeout);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, not " + idleTimeout);
        }
        if (expiryCheckPeriod.isNegative() || expiryCheckPeriod.isZero()) {
            throw new IllegalArgumentException("expiryCheckPeriod must be positive, not " + expiryCheckPeriod);
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace must not be negative, not " + shutdownGrace);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address to listen on, or {@code null} for every interface. */
    public InetAddress address() {
        return address;
    }

    /** The port to listen on; 0 picks a free one. */
    public int port() {
        return port;
    }

    public Path caFile() {
        return caFile;
    }

    public Path serverCert() {
        return serverCert;
    }

    public Path serverKey() {
        return serverKey;
    }

    public Path keyDirectory() {
        return keyDirectory;
    }

    /** Threads running private-key operations. */
    public int workers() {
        return workers;
    }

    /** Network event loop threads. */
    public int ioThreads() {
        return ioThreads;
    }

    public int maxQueued() {
        return maxQueued;
    }

    /** Requests one connection may have unanswered before reading from it pauses. */
    public int maxPending() {
        return maxPending;
    }

    /** Connections open at once; more are closed as soon as they are accepted. */
    public int maxConnections() {
        return maxConnections;
    }

    /** How long a client has to complete its TLS handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** How long a connection may be silent while owed nothing before it is closed; zero never closes one. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Whether every request is written to the access log. */
    public boolean accessLog() {
        return accessLog;
    }

    public TlsImplementation tls() {
        return tls;
    }

    /** Whether to use Java NIO even where epoll is available. */
    public boolean forceNio() {
        return forceNio;
    }

    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** The provider forced for every private-key operation, or {@code null} to choose the fastest that works. */
    public CryptoProvider cryptoProvider() {
        return cryptoProvider;
    }

    /** Providers chosen by whoever embeds the server, or {@code null} to choose at start-up. */
    public CryptoProviders cryptoProviders() {
        return cryptoProviders;
    }

    /** Where the metrics and health endpoint listens, or {@code null} for no endpoint. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }

    /** How long before a certificate expires the server warns about it, at start-up and then daily. */
    public Duration expiryWarning() {
        return expiryWarning;
    }

    public Duration expiryCheckPeriod() {
        return expiryCheckPeriod;
    }

    /** Collects the settings of a {@link ServerConfig}; the four files are required. */
    public static final class Builder {
        private InetAddress address;
        private int port = DEFAULT_PORT;
        private Path caFile;
        private Path serverCert;
        private Path serverKey;
        private Path keyDirectory;
        private int workers = Runtime.getRuntime().availableProcessors();
        private int ioThreads = DEFAULT_IO_THREADS;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int maxPending = DEFAULT_MAX_PENDING;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private boolean accessLog;
        private TlsImplementation tls = TlsImplementation.AUTO;
        private boolean forceNio;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private CryptoProvider cryptoProvider;
        private CryptoProviders cryptoProviders;
        private InetSocketAddress metricsAddress;
        private Duration expiryWarning = DEFAULT_EXPIRY_WARNING;
        private Duration expiryCheckPeriod = DEFAULT_EXPIRY_CHECK_PERIOD;

        private Builder() {
        }

        /** Forces one provider for every private-key operation; {@code null} chooses the fastest that works. */
        public Builder cryptoProvider(CryptoProvider cryptoProvider) {
            this.cryptoProvider = cryptoProvider;
            return this;
        }

        /** Uses providers already chosen, for instance a hardware module's when the server is embedded. */
        public Builder cryptoProviders(CryptoProviders cryptoProviders) {
            this.cryptoProviders = cryptoProviders;
            return this;
        }

        public Builder address(InetAddress address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            return this;
        }

        public Builder serverCert(Path serverCert) {
            this.serverCert = serverCert;
            return this;
        }

        public Builder serverKey(Path serverKey) {
            this.serverKey = serverKey;
            return this;
        }

        public Builder keyDirectory(Path keyDirectory) {
            this.keyDirectory = keyDirectory;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder ioThreads(int ioThreads) {
            this.ioThreads = ioThreads;
            return this;
        }

        public Builder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        public Builder maxPending(int maxPending) {
            this.maxPending = maxPending;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder handshakeTimeout(Duration handshakeTimeout) {
            this.handshakeTimeout = handshakeTimeout;
            return this;
        }

        /** Zero turns the idle timeout off. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        public Builder accessLog(boolean accessLog) {
            this.accessLog = accessLog;
            return this;
        }

        public Builder tls(TlsImplementation tls) {
            this.tls = tls;
            return this;
        }

        public Builder forceNio(boolean forceNio) {
            this.forceNio = forceNio;
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        /** Serves {@code /metrics} and {@code /health} over plain HTTP there; {@code null} serves neither. */
        public Builder metricsAddress(InetSocketAddress metricsAddress) {
            this.metricsAddress = metricsAddress;
            return this;
        }

        public Builder expiryWarning(Duration expiryWarning) {
            this.expiryWarning = expiryWarning;
            return this;
        }

        /** How often to check expiry again after start-up; daily unless a test wants to see it sooner. */
        public Builder expiryCheckPeriod(Duration expiryCheckPeriod) {
            this.expiryCheckPeriod = expiryCheckPeriod;
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(this);
        }
    }
}
