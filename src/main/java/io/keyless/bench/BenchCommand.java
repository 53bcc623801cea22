package io.keyless.bench;

import io.keyless.cli.CommandLines;
import io.keyless.client.KeylessClient;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.tools.ConnectionOptions;
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
        footer = {"", "Workloads are KEY-OPERATION: KEY names a public key (rsa2048, p256 and p384 are the "
                + "samples of keys/sample; add others with --key), OPERATION is md5sha1, sha1, sha224, sha256, sha384, "
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

    @Option(names = "--handshakes", description = "Measure new connections instead: each of --connections clients "
            + "connects, completes the mutual TLS handshake and closes, over and over.")
    boolean handshakes;

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

        LoadSettings settings = new LoadSettings(connection.server, connection.port, connections, depth, rate, warmup,
                duration);
        ProcessCpu cpu = serverPid == null ? null : new ProcessCpu(serverPid);
        try (KeylessClient client = connection.client(1)) {
            if (handshakes) {
                HandshakeRun run = HandshakeRun.run(client, settings, cpu);
                out.println(json ? run.json() : run.text());
                out.flush();
                return run.clean() ? 0 : 1;
            }
            Report report = BenchRun.run(client, settings, workloads, cpu,
                    progress && System.console() != null ? err : null);
            out.println(json ? report.json() : report.text());
            out.flush();
            return report.clean() ? 0 : 1;
        } catch (IOException e) {
            err.println("bench: cannot connect to " + connection.server + ":" + connection.port + ": "
                    + e.getMessage());
            err.flush();
            return 1;
        }
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
        for (String sample : List.of("rsa2048", "p256", "p384")) {
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
}
