package io.keyless.cli;

import io.keyless.crypto.CryptoProvider;
import io.keyless.server.KeylessServer;
import io.keyless.server.ReloadException;
import io.keyless.server.ServerConfig;
import io.keyless.server.ServerSetup;
import io.keyless.server.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code keyless} command: the reference server's flags with their meaning, on a JVM.
 */
@Command(name = "keyless", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "Keyless SSL key server: signs and decrypts with private keys that never leave this machine, "
                + "for TLS servers that connect over mutually authenticated TLS 1.2.",
        footer = {"%nEvery flag but --test can also be set in the --config file, one 'name = value' per line (name "
                + "without the dashes), or in the environment as KEYLESS_NAME (KEYLESS_MAX_PENDING for --max-pending). "
                + "The command line beats the environment, which beats the file; --test prints where each value came "
                + "from.",
            "%nExit status: 0 on a clean stop or a good --test, 1 when start-up fails, 2 for a usage error."})
public final class KeylessCommand implements Callable<Integer> {
    /** Set by scripts/keyless when it has detached the process for --daemon. */
    static final String DAEMONIZED_ENV = "KEYLESS_DAEMONIZED";

    /** Set by scripts/keyless to the file to create once the server listens. */
    static final String READY_FILE_ENV = "KEYLESS_READY_FILE";

    private static final Logger log = LoggerFactory.getLogger(KeylessCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = OptionSources.CONFIG_FLAG, paramLabel = "FILE",
            description = "Read flags from this file, one 'name = value' per line (KEYLESS_CONFIG also names it).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "TCP port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ip", paramLabel = "ADDRESS",
            description = "Address of the interface to listen on (default: every interface).")
    InetAddress ip;

    @Option(names = "--ca-file", paramLabel = "FILE", required = true,
            description = "PEM CA certificate(s) that client certificates must chain to; no other CA is trusted.")
    Path caFile;

    @Option(names = "--server-cert", paramLabel = "FILE", required = true,
            description = "PEM certificate (and chain) the server presents.")
    Path serverCert;

    @Option(names = "--server-key", paramLabel = "FILE", required = true,
            description = "PEM private key of --server-cert.")
    Path serverKey;

    @Option(names = "--private-key-directory", paramLabel = "DIR", required = true,
            description = "Directory of PEM private keys to serve; every file ending in .key is loaded.")
    Path keyDirectory;

    // fallbackValue: given on the command line, a flag that takes no value means true. Without it picocli sets the
    // opposite of the default, and true in the config file or the environment becomes that default.
    @Option(names = "--silent", fallbackValue = "true",
            description = "Log nothing; fatal start-up errors still go to stderr.")
    boolean silent;

    @Option(names = "--verbose", fallbackValue = "true",
            description = "Write an access log line for every request.")
    boolean verbose;

    @Option(names = "--access-log", paramLabel = "FILE",
            description = "With --verbose, append the access log lines to FILE instead of the main log.")
    Path accessLog;

    @Option(names = "--num-workers", paramLabel = "N",
            description = "Threads for private-key operations (default: the number of CPUs).")
    Integer workers;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS,
            description = "Connections open at once; more are closed when accepted (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-pending", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_PENDING,
            description = "Requests one connection may have unanswered; at the limit, or while its client does not "
                    + "read its answers, the server stops reading from it until half are answered, and drops none "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxPending;

    @Option(names = "--max-queued", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_QUEUED,
            description = "Private-key operations that may wait for a worker; beyond it new ones are answered "
                    + "INTERNAL_ERROR at once (default: ${DEFAULT-VALUE}).")
    int maxQueued;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Time a client has to complete the TLS handshake (default: ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "5m",
            converter = DurationConverter.class,
            description = "Close a connection that has passed nothing either way for this long while owed no "
                    + "answer, including one stalled in the middle of a request, or whose client has stopped "
                    + "reading its answers; 0 never closes one (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "On SIGTERM or SIGINT, how long to wait for requests already received before closing "
                    + "(the whole stop takes a few seconds more); a second signal exits at once "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration shutdownTimeout;

    @Option(names = "--crypto-provider", paramLabel = "NAME", defaultValue = "auto",
            description = "Provider of the private-key operations: auto (the fastest that loads and passes its "
                    + "self-test, per key type), accp, conscrypt, jdk or bc (default: ${DEFAULT-VALUE}).")
    String cryptoProvider;

    @Option(names = "--metrics-port", paramLabel = "PORT", arity = "0..1",
            fallbackValue = "" + ServerConfig.DEFAULT_METRICS_PORT,
            description = "Serve Prometheus metrics on /metrics and a health check on /health over plain HTTP on "
                    + "this port (${FALLBACK-VALUE} if given without one); off by default.")
    Integer metricsPort;

    @Option(names = "--metrics-ip", paramLabel = "ADDRESS",
            description = "Address the metrics port listens on (default: the same as --ip).")
    InetAddress metricsIp;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Write the process id here once listening; removed on a clean stop.")
    Path pidFile;

    @Option(names = "--test", fallbackValue = "true",
            description = "Run the start-up checks, print what was loaded, and exit: 0 good, 1 bad.")
    boolean test;

    @Option(names = "--user", paramLabel = "USER[:GROUP]",
            description = "Run as this user (and group); done by scripts/keyless when started as root.")
    String user;

    @Option(names = "--daemon", fallbackValue = "true",
            description = "Detach and print the process id; done by scripts/keyless.")
    boolean daemon;

    @Option(names = "--syslog", fallbackValue = "true",
            description = "Send log lines to syslog (UDP 127.0.0.1:514, facility daemon; "
                    + "-Dkeyless.syslog.host and -Dkeyless.syslog.port change the address).")
    boolean syslog;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (workers != null && workers < 1) {
            throw invalid("--num-workers", "must be at least 1");
        }
        if (port < 0 || port > 65535) {
            throw invalid("--port", "must be 0 to 65535");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw invalid("--metrics-port", "must be 0 to 65535");
        }
        if (metricsIp != null && metricsPort == null) {
            throw invalid("--metrics-ip", "needs --metrics-port");
        }
        atLeastOne("--max-connections", maxConnections);
        atLeastOne("--max-pending", maxPending);
        atLeastOne("--max-queued", maxQueued);
        if (handshakeTimeout.isZero()) {
            throw invalid("--handshake-timeout", "must be more than 0");
        }
        CryptoProvider provider = cryptoProvider();
        String logProblem = LogSetup.apply(silent, verbose, syslog, accessLog);
        if (test) {
            // Before the files are checked, so that a missing one shows where its name came from.
            EffectiveConfiguration.lines(spec.commandLine()).forEach(out::println);
            out.flush();
        }

        List<String> problems = new ArrayList<>();
        if (logProblem != null) {
            problems.add(logProblem);
        }
        checkReadable("--ca-file", caFile, false, problems);
        checkReadable("--server-cert", serverCert, false, problems);
        checkReadable("--server-key", serverKey, false, problems);
        checkReadable("--private-key-directory", keyDirectory, true, problems);
        PidFile pid = pidFile == null ? null : new PidFile(pidFile);
        if (pid != null && pid.problem() != null) {
            problems.add("--pid-file " + pidFile + ": " + pid.problem());
        }
        String userProblem = UserCheck.problem(user);
        if (userProblem != null) {
            problems.add(userProblem);
        }
        if (!problems.isEmpty()) {
            return fail(err, problems);
        }
        if (daemon && System.getenv(DAEMONIZED_ENV) == null && !test) {
            log.warn("--daemon needs scripts/keyless to detach the process; running in the foreground");
        }

        ServerConfig config = config(provider);
        return test ? check(config, out, err) : serve(config, pid, err);
    }

    private ServerConfig config(CryptoProvider provider) {
        ServerConfig.Builder builder = ServerConfig.builder()
                .address(ip)
                .port(port)
                .caFile(caFile)
                .serverCert(serverCert)
                .serverKey(serverKey)
                .keyDirectory(keyDirectory)
                .cryptoProvider(provider)
                .maxConnections(maxConnections)
                .maxPending(maxPending)
                .maxQueued(maxQueued)
                .handshakeTimeout(handshakeTimeout)
                .idleTimeout(idleTimeout)
                .shutdownGrace(shutdownTimeout)
                .accessLog(verbose);
        if (metricsPort != null) {
            InetAddress address = metricsIp != null ? metricsIp : ip;
            builder.metricsAddress(address == null ? new InetSocketAddress(metricsPort)
                    : new InetSocketAddress(address, metricsPort));
        }
        if (workers != null) {
            builder.workers(workers);
        }
        return builder.build();
    }

    private void atLeastOne(String flag, int value) {
        if (value < 1) {
            throw invalid(flag, "must be at least 1");
        }
    }

    /** A usage error about {@code flag}'s value, saying which file line or variable set it if not the command line. */
    private ParameterException invalid(String flag, String problem) {
        return new ParameterException(spec.commandLine(), flag + " " + problem
                + EffectiveConfiguration.originSuffix(spec.commandLine(), flag));
    }

    /** The provider --crypto-provider forces, or {@code null} for auto. */
    private CryptoProvider cryptoProvider() {
        if (cryptoProvider.equalsIgnoreCase("auto")) {
            return null;
        }
        for (CryptoProvider provider : CryptoProvider.values()) {
            if (provider.label().equalsIgnoreCase(cryptoProvider)) {
                return provider;
            }
        }
        throw invalid("--crypto-provider", "must be auto, accp, conscrypt, jdk or bc, not '" + cryptoProvider + "'");
    }

    private static int check(ServerConfig config, PrintWriter out, PrintWriter err) {
        try {
            TestReport.print(out, config, ServerSetup.prepare(config));
            out.flush();
            return 0;
        } catch (StartupException e) {
            return fail(err, e.problems());
        }
    }

    private int serve(ServerConfig config, PidFile pid, PrintWriter err) {
        CountDownLatch stopRequested = new CountDownLatch(1);
        AtomicInteger stopSignals = new AtomicInteger();
        AtomicReference<KeylessServer> running = new AtomicReference<>();
        long self = ProcessHandle.current().pid();
        Signals.onStop(() -> {
            if (stopSignals.incrementAndGet() > 1) {
                log.warn("second stop signal; exiting without waiting for requests in flight");
                if (pid != null) {
                    pid.delete(self);
                }
                Runtime.getRuntime().halt(1);
            }
            stopRequested.countDown();
        });
        ExecutorService reloads = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "keyless-reload");
            thread.setDaemon(true);
            return thread;
        });
        Signals.onReload(() -> reloads.execute(() -> reload(running.get())));

        KeylessServer server;
        try {
            server = KeylessServer.start(config);
        } catch (StartupException e) {
            return fail(err, e.problems());
        }
        running.set(server);
        try {
            if (pid != null) {
                pid.write(self);
            }
            String ready = System.getenv(READY_FILE_ENV);
            if (ready != null) {
                Files.writeString(Path.of(ready), self + "\n");
            }
        } catch (IOException e) {
            server.close();
            return fail(err, List.of("--pid-file " + pidFile + ": cannot write: " + e.getMessage()));
        }
        if (daemon && System.getenv(DAEMONIZED_ENV) != null) {
            log.info("detached pid={} logs={}", self, syslog ? "syslog" : "none (add --syslog to keep them)");
            LogSetup.detachConsole();
            // The launcher has let go of the file behind standard output: nothing written there is ever read.
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        }

        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (pid != null) {
            pid.delete(self);
        }
        return 0;
    }

    private static void reload(KeylessServer server) {
        if (server == null) {
            log.warn("reload ignored: the server is still starting");
            return;
        }
        LogSetup.reread();
        try {
            server.reload();
        } catch (ReloadException e) {
            // The server has logged every bad file and kept its keys and certificates.
        }
    }

    private static void checkReadable(String flag, Path path, boolean directory, List<String> problems) {
        String problem;
        if (!Files.exists(path)) {
            problem = directory ? "no such directory" : "no such file";
        } else if (directory != Files.isDirectory(path)) {
            problem = directory ? "is not a directory" : "is a directory, not a file";
        } else if (!Files.isReadable(path)) {
            problem = "permission denied";
        } else {
            return;
        }
        problems.add(flag + " " + path + ": " + problem);
    }

    private static int fail(PrintWriter err, List<String> problems) {
        for (String problem : problems) {
            err.println("keyless: " + problem);
        }
        err.flush();
        return 1;
    }
}
