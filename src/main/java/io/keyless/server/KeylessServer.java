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
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
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
    private final AtomicBoolean stopping;
    private final Object reloadLock = new Object();
    private volatile ObjectName mbeanName;

    private KeylessServer(ServerConfig config, AtomicReference<KeyIndex> keys, CryptoProviders providers,
                          WorkerPool workers,
                          InFlightRequests inFlight, EventLoopGroup acceptor, EventLoopGroup io,
                          ChannelGroup channels, Channel listener, AtomicBoolean stopping) {
        this.config = config;
        this.keys = keys;
        this.providers = providers;
        this.workers = workers;
        this.inFlight = inFlight;
        this.acceptor = acceptor;
        this.io = io;
        this.channels = channels;
        this.listener = listener;
        this.stopping = stopping;
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
        RequestServices services = new RequestServices(keys, operations, workers, new CompletionDelivery(workers),
                inFlight,
                new AccessLog(config.accessLog()), config.maxPending(), stopping);
        EventLoopGroup acceptor = transport.newGroup(1, "keyless-accept");
        EventLoopGroup io = transport.newGroup(config.ioThreads(), "keyless-io");
        ChannelGroup channels = new DefaultChannelGroup("keyless-connections", GlobalEventExecutor.INSTANCE);

        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, io)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new KeylessChannelInitializer(setup.sslContext(), services, channels, config));
        InetSocketAddress address = config.address() == null
                ? new InetSocketAddress(config.port())
                : new InetSocketAddress(config.address(), config.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutdown(acceptor, io, workers, Duration.ZERO);
            throw new StartupException("cannot listen on " + describe(address) + ": " + bound.cause().getMessage());
        }
        Channel listener = bound.channel();

        KeylessServer server = new KeylessServer(config, keys, setup.providers(), workers, inFlight, acceptor, io,
                channels, listener, stopping);
        server.registerMBean();
        log.info("listening address={}", describe(server.localAddress()));
        return server;
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
     * Loads the key directory again and serves the new set, all at once; if any file is bad the old keys stay.
     * Requests already in progress finish with the key they found.
     *
     * @throws KeyLoadException naming the bad files; the old keys are still served
     */
    public KeyIndex reloadKeys() throws KeyLoadException {
        synchronized (reloadLock) {
            long start = System.nanoTime();
            KeyIndex fresh;
            try {
                fresh = KeyDirectory.load(config.keyDirectory(), providers::translate);
            } catch (KeyLoadException e) {
                for (KeyFileException problem : e.problems()) {
                    log.error("reload failed file={} reason=\"{}\"", problem.file(), problem.reason());
                }
                log.error("reload failed; still serving the {} keys loaded before", keys.get().size());
                throw e;
            }
            KeyIndex previous = keys.getAndSet(fresh);
            log.info("keys reloaded count={} previously={} dir={} millis={}", fresh.size(), previous.size(),
                    config.keyDirectory(), (System.nanoTime() - start) / 1_000_000);
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
