package io.keyless.bench;

import io.keyless.cli.CommandLines;
import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.tools.ConnectionOptions;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bench}: how much a key server can take, and how fast it answers while taking it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "Load tool for a Keyless key server: keeps requests in flight on several mutual-TLS "
                + "connections (or sends them at a fixed rate) and reports throughput, errors by code, latency "
                + "percentiles and, with --server-pid, the server's CPU time per operation.",
        footer = {"", "Workloads are KEY-OPERATION: KEY names a public key (rsa2048 and p256 are the samples "
                + "of keys/sample; add others with --key), OPERATION is md5sha1, sha1, sha224, sha256, sha384, "
                + "sha512 (a signature), decrypt or rawdecrypt (RSA only). 'ping' needs no key.",
                "", "Exit status: 0 when every request was answered without error, 1 otherwise, 2 for a usage "
                + "error."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "2",
            description = "Connections to open (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "16",
            description = "Requests kept in flight on each connection, closed loop (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--rate", paramLabel = "OPS",
            description = "Send this many requests per second in all, whatever the server's pace (open loop); "
                    + "latency counts from when each request was due.")
    Double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "Length of the measurement (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Load before measuring, not counted (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "p256-sha256",
            description = "What to send, e.g. rsa2048-sha256 (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--mix", paramLabel = "NAME:WEIGHT,...",
            description = "Several workloads by weight instead, e.g. rsa2048-sha256:70,p256-sha256:30.")
    String mix;

    @Option(names = "--key", paramLabel = "NAME=FILE",
            description = "Names a PEM public key or certificate for workloads; repeatable.")
    Map<String, Path> extraKeys = new LinkedHashMap<>();

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "Process id of a server on this machine, to report its CPU time per operation.")
    Long serverPid;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "A progress line every second on a terminal (default: on).")
    boolean progress;

    public static void main(String[] args) {
        System.exit(CommandLines.execute("bench", new BenchCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validate();
        List<String> problems = connection.problems();
        Map<String, PublicKeyIdentity> keys = keys(problems);
        if (serverPid != null && !Files.exists(Path.of("/proc", serverPid.toString(), "stat"))) {
            problems.add("--server-pid " + serverPid + ": no such process");
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("bench: " + problem));
            err.flush();
            return 1;
        }
        List<Workload> workloads;
        try {
            workloads = Workload.parseMix(mix != null ? mix : workload, keys);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), (mix != null ? "--mix: " : "--workload: ")
                    + e.getMessage());
        }

        try (KeylessClient client = connection.client(1)) {
            List<KeylessConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < connections; i++) {
                    open.add(client.connect(connection.server, connection.port));
                }
            } catch (IOException e) {
                err.println("bench: cannot connect to " + connection.server + ":" + connection.port + ": "
                        + e.getMessage());
                err.flush();
                open.forEach(KeylessConnection::close);
                return 1;
            }
            Report report = run(open, workloads, progress && System.console() != null ? err : null);
            open.forEach(KeylessConnection::close);
            out.println(json ? report.json() : report.text());
            out.flush();
            return report.clean() ? 0 : 1;
        }
    }

    private Report run(List<KeylessConnection> open, List<Workload> workloads, PrintWriter ticker)
            throws Exception {
        Stats stats = new Stats();
        LoadGenerator generator = new LoadGenerator(open, workloads, stats);
        ProcessCpu cpu = serverPid == null ? null : new ProcessCpu(serverPid);
        long start = System.nanoTime();
        long measureFrom = start + seconds(warmup);
        long measureUntil = measureFrom + seconds(duration);

        Thread scheduler = null;
        if (rate == null) {
            generator.startClosedLoop(depth);
        } else {
            scheduler = new Thread(() -> generator.runOpenLoop(rate, measureUntil), "bench-scheduler");
            scheduler.start();
        }

        Ticker progressLine = new Ticker(ticker, stats);
        progressLine.until(measureFrom, "warm-up");
        stats.startWindow(System.nanoTime());
        double cpuBefore = cpu == null ? 0 : cpu.seconds();
        long windowStart = System.nanoTime();
        progressLine.until(measureUntil, "measuring");
        stats.endWindow(System.nanoTime());
        double cpuSeconds = cpu == null ? 0 : cpu.seconds() - cpuBefore;
        double window = (System.nanoTime() - windowStart) / 1e9;

        generator.stop();
        if (scheduler != null) {
            scheduler.join();
        }
        long unanswered = generator.awaitAnswers(30_000);
        progressLine.finish();
        stats.interval();
        return new Report(this, workloads, stats, window, cpu == null ? null : cpuSeconds, unanswered);
    }

    private void validate() {
        if (connections < 1) {
            throw new ParameterException(spec.commandLine(), "--connections must be at least 1");
        }
        if (depth < 1) {
            throw new ParameterException(spec.commandLine(), "--depth must be at least 1");
        }
        if (rate != null && !(rate > 0)) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0");
        }
        if (!(duration > 0) || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be above 0 and --warmup not below");
        }
    }

    /** The sample keys when they are where this checkout keeps them, and every --key. */
    private Map<String, PublicKeyIdentity> keys(List<String> problems) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String sample : List.of("rsa2048", "p256")) {
            Path file = Path.of("keys/sample/" + sample + ".pub.pem");
            if (Files.isRegularFile(file)) {
                files.put(sample, file);
            }
        }
        files.putAll(extraKeys);
        Map<String, PublicKeyIdentity> keys = new LinkedHashMap<>();
        files.forEach((name, file) -> {
            try {
                keys.put(name, PemPublicKeys.read(file));
            } catch (KeyFileException e) {
                problems.add("--key " + name + "=" + e.getMessage());
            }
        });
        return keys;
    }

    private static long seconds(double seconds) {
        return (long) (seconds * 1e9);
    }

    /** The settings a report repeats. */
    String describeLoad() {
        return rate == null
                ? connections + " connections x " + depth + " in flight (closed loop)"
                : String.format("%,.0f requests/s over %d connections (open loop)", rate, connections);
    }

    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("server", connection.server + ":" + connection.port);
        settings.put("connections", connections);
        settings.put("depth", rate == null ? depth : null);
        settings.put("rate", rate);
        settings.put("warmup_s", warmup);
        settings.put("duration_s", duration);
        return settings;
    }

    /** Prints one line a second, overwriting itself, while the load runs. */
    private static final class Ticker {
        private final PrintWriter out;
        private final Stats stats;
        private long lastTick = System.nanoTime();

        Ticker(PrintWriter out, Stats stats) {
            this.out = out;
            this.stats = stats;
        }

        void until(long deadline, String phase) throws InterruptedException {
            long now;
            while ((now = System.nanoTime()) < deadline) {
                Thread.sleep(Math.max(1, Math.min(1000, (deadline - now) / 1_000_000)));
                if (System.nanoTime() - lastTick >= 1_000_000_000L) {
                    tick(phase);
                }
            }
        }

        private void tick(String phase) {
            long now = System.nanoTime();
            Histogram interval = stats.interval();
            if (out != null) {
                double perSecond = interval.getTotalCount() / ((now - lastTick) / 1e9);
                out.printf("\r%-9s %,9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %d   ", phase, perSecond,
                        interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                        stats.errorCount() + stats.failures());
                out.flush();
            }
            lastTick = now;
        }

        void finish() {
            if (out != null) {
                out.print("\r" + " ".repeat(80) + "\r");
                out.flush();
            }
        }
    }
}
