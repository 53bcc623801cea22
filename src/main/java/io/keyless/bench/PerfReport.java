package io.keyless.bench;

import io.keyless.cli.CommandLines;
import io.keyless.client.KeylessClient;
import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code perf-report}: starts the packaged server on the sample keys, loads it with the load tool case by case,
 * runs {@code openssl speed} in the same run, and prints a Markdown report of throughput, CPU per operation and
 * latency, each set against what OpenSSL does on this machine.
 */
@Command(name = "perf-report", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "Measures the key server on this machine against openssl speed and prints a Markdown report.")
public final class PerfReport implements Callable<Integer> {
    private static final Pattern KEYS_LOADED = Pattern.compile("keys loaded count=(\\d+) .* millis=(\\d+)");
    private static final Pattern CRYPTO = Pattern.compile("crypto (rsa=\\S+ p256=\\S+ p384=\\S+ p521=\\S+)");

    /** One operation the report measures, and the openssl speed figure it is held against. */
    private record Case(String label, String workload, String openssl) {
    }

    private static final List<Case> CASES = List.of(
            new Case("RSA-2048 sign", "rsa2048-sha256", "rsa2048"),
            // openssl speed reports no RSA decryption; it is the same private-key operation as a signature.
            new Case("RSA-2048 decrypt", "rsa2048-decrypt", "rsa2048"),
            new Case("ECDSA P-256 sign", "p256-sha256", "nistp256"),
            new Case("ECDSA P-384 sign", "p384-sha384", "nistp384"));

    @Spec
    CommandSpec spec;

    @Option(names = "--jar", paramLabel = "FILE", defaultValue = "target/keyless.jar",
            description = "The server to measure (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "Measurement of each case (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "3",
            description = "Warm-up before each measurement (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--initial-warmup", paramLabel = "SECONDS", defaultValue = "15",
            description = "Load with every case at once before the first measurement, so that the server's code is "
                    + "compiled (default: ${DEFAULT-VALUE}).")
    double initialWarmup;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4",
            description = "Connections of the load tool (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "32",
            description = "Requests in flight per connection at saturation (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--key-counts", paramLabel = "N,N", split = ",", defaultValue = "10000,100000",
            description = "Sizes of generated key directories to start the server with; 0 for none "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> keyCounts;

    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "A JVM option for the server, e.g. -Xmx2g; repeatable.")
    List<String> jvmOptions = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(CommandLines.execute("perf-report", new PerfReport(), args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int cores = Runtime.getRuntime().availableProcessors();
        Path scratch = Files.createTempDirectory("keyless-perf-");
        try {
            progress(err, "openssl speed, 1 process and " + cores);
            int seconds = (int) Math.max(1, Math.round(duration / 2));
            Map<String, Double> single = OpensslSpeed.signaturesPerSecond(seconds, 1);
            Map<String, Double> multi = OpensslSpeed.signaturesPerSecond(seconds, cores);

            List<String> rows = new ArrayList<>();
            String handshakeRow;
            String providers;
            int port = freePort();
            try (ServerProcess server = ServerProcess.start(jar, jvmOptions, sampleFlags(port), scratch);
                 KeylessClient client = KeylessClient.builder()
                         .clientCertificate(Path.of("config/sample/client-ecdsa.pem"),
                                 Path.of("config/sample/client-ecdsa.key"))
                         .trustedCa(Path.of("ca/sample/server-ca.pem")).build()) {
                providers = providers(server.log());
                ProcessCpu cpu = new ProcessCpu(server.pid());
                Map<String, PublicKeyIdentity> keys = sampleKeys();
                progress(err, "warming the server up");
                List<Workload> everything = new ArrayList<>();
                for (Case measured : CASES) {
                    everything.add(Workload.parse(measured.workload(), 1, keys));
                }
                BenchRun.run(client, new LoadSettings("127.0.0.1", port, connections, depth, null, 0,
                        initialWarmup), everything, null, null);
                for (Case measured : CASES) {
                    rows.add(measure(measured, client, port, cpu, keys, single, multi, cores, err));
                }
                progress(err, "handshakes");
                HandshakeRun handshakes = HandshakeRun.run(client, new LoadSettings("127.0.0.1", port, connections,
                        1, null, warmup, duration), cpu);
                if (!handshakes.clean()) {
                    err.print(handshakes.text());
                    throw new UncleanRun("handshakes");
                }
                handshakeRow = String.format(Locale.ROOT, "| mutual-TLS handshake | %,.0f/s | | %,.0f | | | | |",
                        handshakes.perSecond(), handshakes.cpuMicrosPerHandshake());
            }

            List<String> startupRows = new ArrayList<>();
            startupRows.add(startup("3 (the samples)", Path.of("keys/sample"), port, scratch));
            for (int count : keyCounts) {
                if (count > 0) {
                    progress(err, "generating " + count + " RSA-2048 keys");
                    Path directory = scratch.resolve("keys-" + count);
                    SyntheticKeys.write(directory, count, 2048);
                    startupRows.add(startup(String.format(Locale.ROOT, "%,d RSA-2048", count), directory, port,
                            scratch));
                    delete(directory);
                }
            }

            print(out, cores, providers, single, multi, rows, handshakeRow, startupRows);
            return 0;
        } catch (UncleanRun e) {
            err.println("perf-report: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            delete(scratch);
        }
    }

    private String measure(Case measured, KeylessClient client, int port, ProcessCpu cpu,
                           Map<String, PublicKeyIdentity> keys, Map<String, Double> single,
                           Map<String, Double> multi, int cores, PrintWriter err) throws Exception {
        List<Workload> workload = List.of(Workload.parse(measured.workload(), 1, keys));
        progress(err, measured.label() + ": saturation");
        Report saturated = BenchRun.run(client, new LoadSettings("127.0.0.1", port, connections, depth, null, warmup,
                duration), workload, cpu, null);
        progress(err, measured.label() + ": one at a time");
        Report alone = BenchRun.run(client, new LoadSettings("127.0.0.1", port, 1, 1, null, warmup,
                Math.max(1, duration / 2)), workload, cpu, null);
        progress(err, measured.label() + ": half of saturation");
        Report half = BenchRun.run(client, new LoadSettings("127.0.0.1", port, connections, 1,
                saturated.perSecond() / 2, warmup, duration), workload, cpu, null);

        requireClean(measured.label() + " at saturation", saturated, err);
        requireClean(measured.label() + " one at a time", alone, err);
        requireClean(measured.label() + " at half of saturation", half, err);

        double opensslMicros = 1e6 / single.get(measured.openssl());
        double service = alone.latencyMillis(50);
        return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.0f | %.2f | %.2f | %.2f / %.2f / %.2f | %.1f |",
                measured.label(), saturated.perSecond(), saturated.perSecond() / multi.get(measured.openssl()),
                saturated.cpuMicrosPerOperation(), saturated.cpuMicrosPerOperation() / opensslMicros, service,
                half.latencyMillis(50), half.latencyMillis(99), half.latencyMillis(99.9),
                half.latencyMillis(99) / service);
    }

    /** A figure made of errors would be a lie: a run with any failed or unanswered request stops the report. */
    private static void requireClean(String what, Report report, PrintWriter err) throws UncleanRun {
        if (!report.clean()) {
            err.print(report.text());
            throw new UncleanRun(what);
        }
    }

    /** A measured run in which not every request or handshake succeeded. */
    private static final class UncleanRun extends Exception {
        private static final long serialVersionUID = 1L;

        UncleanRun(String what) {
            super(what + ": not every request succeeded (above), so its figures would count failures as work; "
                    + "no report");
        }
    }

    private String startup(String label, Path keys, int port, Path scratch) throws Exception {
        List<String> flags = sampleFlags(port);
        flags.set(flags.indexOf("--private-key-directory") + 1, keys.toString());
        try (ServerProcess server = ServerProcess.start(jar, jvmOptions, flags, scratch)) {
            Matcher loaded = KEYS_LOADED.matcher(server.log());
            String loadMillis = loaded.find() ? String.format(Locale.ROOT, "%.1f",
                    Integer.parseInt(loaded.group(2)) / 1000.0) : "?";
            return String.format(Locale.ROOT, "| %s | %.1f | %s | %.0f |", label, server.startupMillis() / 1000.0,
                    loadMillis, server.residentMebibytes());
        }
    }

    private static void print(PrintWriter out, int cores, String providers, Map<String, Double> single,
                              Map<String, Double> multi, List<String> rows, String handshakeRow,
                              List<String> startupRows) {
        out.printf("Measured %s on %d cores (%s), Java %s; server %s.%n%n", LocalDate.now(), cores, cpuModel(),
                Runtime.version(), providers);
        out.println("| operation | ops/s at saturation | vs `openssl speed -multi " + cores + "` "
                + "| server CPU µs/op | vs openssl, 1 core | one at a time p50 ms "
                + "| half saturation p50 / p99 / p99.9 ms | p99 / one at a time |");
        out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(out::println);
        out.println(handshakeRow);
        out.println();
        out.printf(Locale.ROOT, "`openssl speed` signatures/s, 1 process / %d: RSA-2048 %,.0f / %,.0f, "
                        + "P-256 %,.0f / %,.0f, P-384 %,.0f / %,.0f.%n%n", cores,
                single.get("rsa2048"), multi.get("rsa2048"), single.get("nistp256"), multi.get("nistp256"),
                single.get("nistp384"), multi.get("nistp384"));
        out.println("| keys | start-up s | of which loading keys s | resident memory MiB |");
        out.println("|---|---|---|---|");
        startupRows.forEach(out::println);
        out.flush();
    }

    private static List<String> sampleFlags(int port) {
        return new ArrayList<>(List.of("--ca-file", "ca/sample/client-ca.pem",
                "--server-cert", "config/sample/server-ecdsa.pem", "--server-key", "config/sample/server-ecdsa.key",
                "--private-key-directory", "keys/sample", "--ip", "127.0.0.1", "--port", Integer.toString(port)));
    }

    private static Map<String, PublicKeyIdentity> sampleKeys() throws Exception {
        Map<String, PublicKeyIdentity> keys = new LinkedHashMap<>();
        for (String name : List.of("rsa2048", "p256", "p384")) {
            keys.put(name, PemPublicKeys.read(Path.of("keys/sample/" + name + ".pub.pem")));
        }
        return keys;
    }

    /** "rsa=accp p256=accp ..." from the server's start-up line about its crypto providers. */
    private static String providers(String log) {
        Matcher crypto = CRYPTO.matcher(log);
        return crypto.find() ? crypto.group(1) : "with unknown crypto providers";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void progress(PrintWriter err, String step) {
        err.println("perf-report: " + step);
        err.flush();
    }

    private static void delete(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }
}
