package io.keyless.server;

import io.keyless.crypto.CryptoProviders;
import io.keyless.crypto.KeyOperations;
import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.KeyIndex;
import io.keyless.keys.KeyLoadException;
import io.keyless.keys.KeyType;
import io.keyless.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running key server: a TLS listener, its event loops, the worker threads and the keys being served. Owns all of
 * them and releases each exactly once, in {@link #close()}.
 */
public final class KeylessServer implements AutoCloseable, KeylessServerMXBean {
    private static final Logger log = LoggerFactory.getLogger(KeylessServer.class);

    private final ServerConfig config;
    private final AtomicReference<KeyIndex> keys;
    private final CryptoProviders providers;
    private final WorkerPool workers;
    private final InFlightRequests inFlight;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup io;
    private final ChannelGroup channels;
    private final Channel listener;
    private final KeylessChannelInitializer initializer;
    private final AtomicBoolean stopping;
    private final ServerMetrics metrics;
    private final Object reloadLock = new Object();
    private volatile Certificates certificates;
    private volatile MetricsEndpoint metricsEndpoint;
    private volatile ObjectName mbeanName;

    private KeylessServer(ServerConfig config, ServerSetup setup, AtomicReference<KeyIndex> keys,
                          WorkerPool workers, InFlightRequests inFlight, EventLoopGroup acceptor, EventLoopGroup io,
                          ChannelGroup channels, Channel listener, KeylessChannelInitializer initializer,
                          AtomicBoolean stopping, ServerMetrics metrics) {
        this.config = config;
        this.keys = keys;
        this.providers = setup.providers();
        this.certificates = new Certificates(setup.serverCertificate(), setup.clientCas());
        this.workers = workers;
        this.inFlight = inFlight;
        this.acceptor = acceptor;
        this.io = io;
        this.channels = channels;
        this.listener = listener;
        this.initializer = initializer;
        this.stopping = stopping;
        this.metrics = metrics;
    }

    /**
     * Checks the configuration, loads the keys and starts listening.
     *
     * @throws StartupException naming every unusable file, or the address that cannot be listened on
     */
    public static KeylessServer start(ServerConfig config) throws StartupException {
        ServerSetup setup = ServerSetup.prepare(config);
        collectLoadingGarbage(setup.keys().size());
        log.info("tls implementation={} protocol={} suites={}", setup.tlsImplementation(), ServerTls.PROTOCOL,
                String.join(",", setup.cipherSuites()));
        log.info("keys loaded count={} rsa={} ec={} dir={} millis={}", setup.keys().size(),
                setup.keys().count(KeyType.RSA), setup.keys().count(KeyType.EC), config.keyDirectory(),
                setup.keyLoadTime().toMillis());

        Transport transport = Transport.choose(config.forceNio());
        if (transport == Transport.EPOLL || config.forceNio()) {
            log.info("transport kind={} io_threads={}", transport, config.ioThreads());
        } else {
            log.info("transport kind={} io_threads={} epoll_unavailable=\"{}\"", transport, config.ioThreads(),
                    Transport.epollUnavailabilityCause());
        }

        KeyOperations operations = new KeyOperations(setup.providers());
        for (String skipped : setup.providers().skipped()) {
            log.info("crypto provider skipped {}", skipped);
        }
        log.info("crypto {} workers={} max_queued={}", operations.describe(), config.workers(), config.maxQueued());
        log.info("limits max_connections={} max_pending={} handshake_timeout_ms={} idle_timeout_ms={} "
                        + "shutdown_timeout_ms={}", config.maxConnections(), config.maxPending(),
                config.handshakeTimeout().toMillis(), config.idleTimeout().toMillis(),
                config.shutdownGrace().toMillis());

        AtomicReference<KeyIndex> keys = new AtomicReference<>(setup.keys());
        WorkerPool workers = new WorkerPool(config.workers(), config.maxQueued());
        InFlightRequests inFlight = new InFlightRequests();
        AtomicBoolean stopping = new AtomicBoolean();
        ServerMetrics metrics = new ServerMetrics(config.metricsAddress() != null);
        RequestServices services = new RequestServices(keys, operations, workers, new CompletionDelivery(workers),
                inFlight, new AccessLog(config.accessLog()), metrics, config.maxPending(), stopping);
        EventLoopGroup acceptor = transport.newGroup(1, "keyless-accept");
        EventLoopGroup io = transport.newGroup(config.ioThreads(), "keyless-io");
        ChannelGroup channels = new DefaultChannelGroup("keyless-connections", GlobalEventExecutor.INSTANCE);

        KeylessChannelInitializer initializer = new KeylessChannelInitializer(setup.sslContext(), services, channels,
                config);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, io)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        InetSocketAddress address = config.address() == null
                ? new InetSocketAddress(config.port())
                : new InetSocketAddress(config.address(), config.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown(acceptor, io, workers, Duration.ZERO);
            throw new StartupException("cannot listen on " + describe(address) + ": " + bound.cause().getMessage());
        }
        Channel listener = bound.channel();

        KeylessServer server = new KeylessServer(config, setup, keys, workers, inFlight, acceptor, io, channels,
                listener, initializer, stopping, metrics);
        metrics.certificates(setup.serverCertificate(), setup.clientCas());
        metrics.watch(server);
        if (config.metricsAddress() != null) {
            try {
                server.metricsEndpoint = MetricsEndpoint.start(config.metricsAddress(), metrics.registry(),
                        server::healthProblem);
            } catch (IOException e) {
                listener.close().syncUninterruptibly();
                shutdown(acceptor, io, workers, Duration.ZERO);
                throw new StartupException("cannot listen for metrics on " + describe(config.metricsAddress())
                        + ": " + e.getMessage());
            }
        }
        server.registerMBean();
        server.checkExpiry();
        // Daily from start-up: a certificate replaced in the meantime (and reloaded) is checked as it is then.
        long period = config.expiryCheckPeriod().toMillis();
        acceptor.next().scheduleAtFixedRate(server::checkExpiry, period, period, TimeUnit.MILLISECONDS);
        log.info("listening address={}", describe(server.localAddress()));
        if (server.metricsEndpoint != null) {
            log.info("metrics address={} paths=/metrics,/health", describe(server.metricsEndpoint.localAddress()));
        }
        return server;
    }

    /** Logs a warning for each certificate in use that has expired or expires soon. */
    private void checkExpiry() {
        Certificates inUse = certificates;
        for (String warning : CertificateExpiry.warnings(inUse.server(), inUse.clientCas(), Instant.now(),
                config.expiryWarning())) {
            log.warn("{}", warning);
        }
    }

    /** Why the server cannot serve now, or {@code null} if it can. */
    String healthProblem() {
        return healthProblem(stopping.get(), listener.isActive(), keys.get().size());
    }

    /**
     * Why a server in this state cannot serve, or {@code null} if it can. Start-up and reloads refuse a key
     * directory without keys today; the check stays so that /health does not depend on that remaining true.
     */
    static String healthProblem(boolean stopping, boolean listening, int keysLoaded) {
        if (stopping) {
            return "stopping";
        }
        if (!listening) {
            return "not listening";
        }
        return keysLoaded > 0 ? null : "no keys loaded";
    }

    /** The server's own certificate and the CAs client certificates must chain to, as last (re)loaded. */
    private record Certificates(X509Certificate server, List<X509Certificate> clientCas) {
    }

    /** What the server counts and measures. */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Where the metrics endpoint listens, or {@code null} without one. */
    public InetSocketAddress metricsAddress() {
        MetricsEndpoint endpoint = metricsEndpoint;
        return endpoint == null ? null : endpoint.localAddress();
    }

    /**
     * Parsing a large key directory leaves the heap grown with garbage that the collector would keep, as memory the
     * process holds, until the next collection; one full collection before serving gives it back. Costs a pause
     * of well under a second, before any request can wait for it.
     */
    private static void collectLoadingGarbage(int keys) {
        if (keys >= 1000) {
            long start = System.nanoTime();
            System.gc();
            log.info("start-up garbage collected keys={} millis={}", keys, (System.nanoTime() - start) / 1_000_000);
        }
    }

    private void registerMBean() {
        try {
            ObjectName name = new ObjectName("io.keyless:type=KeylessServer,port=" + localAddress().getPort());
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            mbeanName = name;
        } catch (JMException e) {
            // Two servers on one port number in one JVM (on different addresses): the second goes without.
            log.debug("not registered with JMX: {}", e.toString());
        }
    }

    private void unregisterMBean() {
        if (mbeanName == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
        } catch (JMException e) {
            log.debug("not unregistered from JMX: {}", e.toString());
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The keys being served now. */
    public KeyIndex keys() {
        return keys.get();
    }

    @Override
    public int getConnections() {
        return channels.size();
    }

    @Override
    public long getInFlight() {
        return inFlight.current();
    }

    @Override
    public long getRequestsReceived() {
        return inFlight.received();
    }

    @Override
    public int getQueuedOperations() {
        return workers.queued();
    }

    @Override
    public int getKeysLoaded() {
        return keys.get().size();
    }

    /**
     * Reads the server certificate and key, the client CA file and the key directory again and serves what they now
     * hold, all at once; if any file is bad, nothing changes. Connections already open keep their TLS session, and
     * requests in progress finish with the key they found.
     *
     * @throws ReloadException naming every bad file; the server goes on as before
     */
    public KeyIndex reload() throws ReloadException {
        synchronized (reloadLock) {
            long start = System.nanoTime();
            List<String> problems = new ArrayList<>();
            ServerTls.Material material = ServerTls.build(config, problems);
            for (String problem : problems) {
                log.error("reload failed reason=\"{}\"", problem);
            }
            KeyIndex fresh = null;
            try {
                fresh = KeyDirectory.load(config.keyDirectory(), providers::translate);
            } catch (KeyLoadException e) {
                for (KeyFileException problem : e.problems()) {
                    log.error("reload failed file={} reason=\"{}\"", problem.file(), problem.reason());
                    problems.add(problem.getMessage());
                }
            }
            if (!problems.isEmpty()) {
                metrics.reloaded(false);
                log.error("reload failed; still serving the {} keys and the certificates loaded before",
                        keys.get().size());
                throw new ReloadException(problems);
            }

            initializer.sslContext(material.context());
            certificates = new Certificates(material.serverChain().get(0), material.clientCas());
            metrics.certificates(material.serverChain().get(0), material.clientCas());
            KeyIndex previous = keys.getAndSet(fresh);
            metrics.reloaded(true);
            log.info("keys reloaded count={} previously={} dir={} millis={}", fresh.size(), previous.size(),
                    config.keyDirectory(), (System.nanoTime() - start) / 1_000_000);
            log.info("certificates reloaded server_expires={} client_cas={}",
                    material.serverChain().get(0).getNotAfter().toInstant(), material.clientCas().size());
            checkExpiry();
            return fresh;
        }
    }

    /**
     * Stops gracefully: stops accepting connections and reading requests, waits up to the configured grace for
     * requests already received to be answered, then closes every connection and stops all threads.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Duration grace = config.shutdownGrace();
        log.info("stopping connections={} in_flight={} grace_ms={}", channels.size(), inFlight.current(),
                grace.toMillis());
        listener.close().syncUninterruptibly();
        unregisterMBean();
        for (Channel channel : channels) {
            // On the channel's own loop, after which its read throttle sees the stop and never resumes reading.
            channel.eventLoop().execute(() -> channel.config().setAutoRead(false));
        }
        long unanswered;
        try {
            unanswered = inFlight.awaitNone(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unanswered = inFlight.current();
        }
        if (unanswered > 0) {
            log.warn("stopping with requests unanswered in_flight={} after grace_ms={}", unanswered,
                    grace.toMillis());
        }
        channels.close().awaitUninterruptibly(grace.toMillis(), TimeUnit.MILLISECONDS);
        // Work still queued after the grace is for connections now closed: refuse it rather than do it.
        shutdown(acceptor, io, workers, unanswered > 0 ? Duration.ZERO : Duration.ofSeconds(2));
        // Last, so that /health says "stopping" (503) for as long as the stop takes.
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        log.info("stopped requests_received={} unanswered={}", inFlight.received(), unanswered);
    }

    private static void shutdown(EventLoopGroup acceptor, EventLoopGroup io, WorkerPool workers,
                                 Duration workerWait) {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        try {
            workers.shutdown(workerWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        acceptor.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        io.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String describe(InetSocketAddress address) {
        String host = address.getAddress().isAnyLocalAddress() ? "*" : address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
