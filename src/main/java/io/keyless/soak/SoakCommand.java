package io.keyless.soak;

import io.keyless.bench.ServerProcess;
import io.keyless.cli.CommandLines;
import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.server.KeylessServerMXBean;
import io.keyless.tools.Json;
import io.netty.buffer.ByteBufUtil;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * {@code soak}: starts a key server with the leak detector at its most thorough, drives hundreds of connections of
 * valid and invalid requests at it with disconnects in the middle of requests and a key reload half way, and then
 * checks that nothing was lost, answered twice or answered wrongly, that nothing leaked, that memory came back, and
 * that the server still answers.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "Soak test of the key server: starts one from the jar on the sample keys and certificates, "
                + "loads it for a while with a mix of valid and invalid requests, abrupt disconnects and a SIGHUP "
                + "reload, and checks every answer, the leak detector, memory and threads.",
        footer = {"", "Run it from the top of the project (it reads ca/sample, config/sample and keys/sample).",
                "", "Exit status: 0 when every check passed, 1 when one failed, 2 for a usage error."})
public final class SoakCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60",
            description = "Length of the soak after the warm-up; the reload comes half way (default: "
                    + "${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "10",
            description = "Load before the memory baseline is taken, so that pools and compiled code are in "
                    + "place (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "200",
            description = "Connections open at once (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "4",
            description = "Requests in flight on each connection (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--heap-growth", paramLabel = "MIB", defaultValue = "16",
            description = "Heap growth over the baseline, after full collections, taken for a leak "
                    + "(default: ${DEFAULT-VALUE}).")
    int heapGrowth;

    @Option(names = "--direct-growth", paramLabel = "MIB", defaultValue = "8",
            description = "Direct memory growth over the baseline taken for a leak (default: ${DEFAULT-VALUE}).")
    int directGrowth;

    @Option(names = "--jar", paramLabel = "FILE", defaultValue = "target/keyless.jar",
            description = "The server's jar (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (duration < 2 || warmup < 1 || connections < 1 || depth < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--duration must be at least 2, --warmup, --connections and --depth at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(jar)) {
            err.println("soak: " + jar + ": no such file; build it with 'mvn -B -DskipTests package'");
            err.flush();
            return 1;
        }
        if (!Files.isDirectory(Path.of("keys/sample"))) {
            err.println("soak: keys/sample not found; run it from the top of the project, as scripts/soak does");
            err.flush();
            return 1;
        }
        Path scratch = Files.createTempDirectory("keyless-soak");
        try {
            Map<String, Object> report = run(scratch, json ? new PrintWriter(Writer.nullWriter()) : out);
            @SuppressWarnings("unchecked")
            List<String> failures = (List<String>) report.get("failures");
            if (json) {
                out.println(Json.write(report));
            } else {
                print(out, report);
            }
            out.flush();
            return failures.isEmpty() ? 0 : 1;
        } finally {
            deleteTree(scratch);
        }
    }

    private Map<String, Object> run(Path scratch, PrintWriter progress) throws Exception {
        Path keys = Files.createDirectories(scratch.resolve("keys"));
        try (DirectoryStream<Path> samples = Files.newDirectoryStream(Path.of("keys/sample"), "*.key")) {
            for (Path sample : samples) {
                privateCopy(sample, keys.resolve(sample.getFileName()));
            }
        }
        Path addedKey = scratch.resolve("added-at-reload.key");
        PublicKeyIdentity added = newP256Key(addedKey, scratch.resolve("added-at-reload.pub.pem"));
        RequestMix mix = new RequestMix(publicKey("rsa2048"), publicKey("p256"), publicKey("p384"), added);

        int port = freePort();
        List<String> flags = List.of("--ca-file", "ca/sample/client-ca.pem",
                "--server-cert", "config/sample/server-ecdsa.pem", "--server-key", "config/sample/server-ecdsa.key",
                "--private-key-directory", keys.toString(), "--ip", "127.0.0.1", "--port", Integer.toString(port));
        List<String> failures = new ArrayList<>();
        Map<String, Object> report = new LinkedHashMap<>();
        progress.printf("soak: server on 127.0.0.1:%d with paranoid leak detection; %d connections, depth %d, "
                + "%d s warm-up, %d s soak%n", port, connections, depth, warmup, duration);
        progress.flush();

        try (ServerProcess server = ServerProcess.start(jar.toAbsolutePath(),
                List.of("-Dio.netty.leakDetection.level=paranoid", "-Xmx512m"), flags, scratch);
             ServerProbe probe = ServerProbe.attach(server.pid());
             KeylessClient client = KeylessClient.builder()
                     .clientCertificate(Path.of("config/sample/client-ecdsa.pem"),
                             Path.of("config/sample/client-ecdsa.key"))
                     .trustedCa(Path.of("ca/sample/server-ca.pem")).threads(2).build()) {
            AtomicBoolean reloadDone = new AtomicBoolean();

            SoakTally warm = new SoakTally();
            SoakLoad warmLoad = new SoakLoad(client, "127.0.0.1", port, depth, mix, warm, reloadDone);
            warmLoad.start(connections);
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            int warmStuck = warmLoad.stop(60);
            checkTally("warm-up", warm, warmStuck, failures);
            awaitQuiet(probe.server(), failures);
            ServerProbe.Memory baseline = probe.settledMemory();
            progress.printf("soak: warm-up done, %d requests; baseline heap %.1f MiB, direct %.1f MiB, %d threads%n",
                    warm.answeredCount(), baseline.heapMebibytes(), baseline.directMebibytes(), baseline.threads());
            progress.flush();

            SoakTally tally = new SoakTally();
            SoakLoad load = new SoakLoad(client, "127.0.0.1", port, depth, mix, tally, reloadDone);
            long start = System.nanoTime();
            load.start(connections);
            Thread.sleep(TimeUnit.SECONDS.toMillis(duration) / 2);
            privateCopy(addedKey, keys.resolve(addedKey.getFileName()));
            server.signal("HUP");
            boolean reloaded = awaitLog(server, "keys reloaded count=4", 30);
            reloadDone.set(reloaded);
            if (!reloaded) {
                failures.add("the reload in the middle did not report 4 keys");
            }
            progress.printf("soak: SIGHUP sent half way; reload %s%n", reloaded ? "done" : "NOT DONE");
            progress.flush();
            long left = TimeUnit.SECONDS.toNanos(duration) - (System.nanoTime() - start);
            if (left > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
            }
            int stuck = load.stop(60);
            double seconds = (System.nanoTime() - start) / 1e9;
            checkTally("soak", tally, stuck, failures);
            if (reloaded && tally.kinds().getOrDefault(RequestMix.Kind.RELOADED_KEY_SIGN.name(), 0L) == 0) {
                failures.add("no request used the key the reload added");
            }

            awaitQuiet(probe.server(), failures);
            ServerProbe.Memory after = probe.settledMemory();
            if (after.heapBytes() > baseline.heapBytes() + heapGrowth * 1048576L) {
                failures.add(String.format(Locale.ROOT, "heap grew from %.1f to %.1f MiB",
                        baseline.heapMebibytes(), after.heapMebibytes()));
            }
            if (after.directBytes() > baseline.directBytes() + directGrowth * 1048576L) {
                failures.add(String.format(Locale.ROOT, "direct memory grew from %.1f to %.1f MiB",
                        baseline.directMebibytes(), after.directMebibytes()));
            }
            if (after.threads() > baseline.threads() + 2) {
                failures.add("threads grew from " + baseline.threads() + " to " + after.threads());
            }

            // Leaked buffers are reported when the collector has found them and the detector next runs, which is
            // on a later allocation: collect, then make the server allocate.
            probe.collect();
            String stillAnswers = finalCheck(client, port, mix);
            probe.collect();
            finalCheck(client, port, mix);
            Thread.sleep(500);
            if (stillAnswers != null) {
                failures.add("after the soak: " + stillAnswers);
            }
            String log = server.log();
            long leaks = log.lines().filter(line -> line.contains("LEAK:")).count();
            if (leaks > 0) {
                failures.add(leaks + " leak reports in the server's log");
            }
            int status = server.stop();
            if (status != 0) {
                failures.add("the server exited " + status + " on SIGTERM");
            }
            List<String> errors = server.log().lines().filter(line -> line.contains(" ERROR ")).limit(5).toList();
            if (!errors.isEmpty()) {
                failures.add("the server logged errors: " + errors);
            }

            report.put("connections_at_once", connections);
            report.put("depth", depth);
            report.put("seconds", seconds);
            report.put("connections_opened", tally.connectionCount());
            report.put("connections_closed_cleanly", tally.cleanCloseCount());
            report.put("connections_cut_off_mid_request", tally.cutOffCount());
            report.put("requests_sent", tally.sentCount());
            report.put("responses_received", tally.answeredCount());
            report.put("requests_per_second", tally.answeredCount() / seconds);
            report.put("abandoned_by_cut_off", tally.abandonedCount());
            report.put("responses_lost", tally.lostCount());
            report.put("responses_wrong", tally.wrongCount());
            report.put("responses_unmatched", tally.unmatchedCount());
            report.put("unexpected_disconnects", tally.disconnectCount());
            report.put("outcomes", tally.outcomes());
            report.put("requests_by_kind", tally.kinds());
            report.put("reloads", reloaded ? 1 : 0);
            report.put("leak_reports", leaks);
            report.put("heap_mib_baseline", baseline.heapMebibytes());
            report.put("heap_mib_after", after.heapMebibytes());
            report.put("direct_mib_baseline", baseline.directMebibytes());
            report.put("direct_mib_after", after.directMebibytes());
            report.put("threads_baseline", baseline.threads());
            report.put("threads_after", after.threads());
            report.put("resident_mib_baseline", baseline.residentMebibytes());
            report.put("resident_mib_after", after.residentMebibytes());
            report.put("warmup_requests", warm.answeredCount());
            report.put("problems", concat(warm.problems(), tally.problems()));
            report.put("failures", failures);
        }
        return report;
    }

    private static void checkTally(String phase, SoakTally tally, int stuckLanes, List<String> failures) {
        if (tally.lostCount() != 0) {
            failures.add(phase + ": " + tally.lostCount() + " responses lost");
        }
        if (tally.wrongCount() != 0) {
            failures.add(phase + ": " + tally.wrongCount() + " wrong responses");
        }
        if (tally.unmatchedCount() != 0) {
            failures.add(phase + ": " + tally.unmatchedCount() + " responses to no request");
        }
        if (tally.disconnectCount() != 0) {
            failures.add(phase + ": " + tally.disconnectCount() + " connections closed by the server");
        }
        if (tally.connectFailureCount() != 0) {
            failures.add(phase + ": " + tally.connectFailureCount() + " connections refused");
        }
        if (stuckLanes != 0) {
            failures.add(phase + ": " + stuckLanes + " connections still waiting for answers at the end");
        }
    }

    /** Waits until the server has no connection and no request left from the load. */
    private static void awaitQuiet(KeylessServerMXBean server, List<String> failures) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((server.getConnections() > 0 || server.getInFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (server.getConnections() > 0 || server.getInFlight() > 0) {
            failures.add("the server still holds " + server.getConnections() + " connections and "
                    + server.getInFlight() + " requests after the load stopped");
        }
    }

    /** A ping and a verified signature on a fresh connection; {@code null} when both are right. */
    private static String finalCheck(KeylessClient client, int port, RequestMix mix) {
        try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
            for (int i = 0; i < 100; i++) {
                KeylessResponse pong = connection.send(KeylessRequest.builder(KeylessOpcode.PING)
                        .payload(new byte[] {(byte) i})).get(10, TimeUnit.SECONDS);
                if (pong.opcode() != KeylessOpcode.PONG) {
                    return "ping answered " + RequestMix.outcome(pong);
                }
            }
            byte[] message = "still signing after the soak".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            PublicKeyIdentity key = mix.p256();
            KeylessResponse signed = connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256)
                    .ski(key.ski()).payload(MessageDigest.getInstance("SHA-256").digest(message)))
                    .get(10, TimeUnit.SECONDS);
            if (signed.error() != null) {
                return "signing answered " + signed.error();
            }
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key.publicKey());
            verifier.update(message);
            return verifier.verify(ByteBufUtil.getBytes(signed.payload())) ? null : "a signature that does not verify";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static boolean awaitLog(ServerProcess server, String text, int seconds)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (server.log().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void print(PrintWriter out, Map<String, Object> report) {
        out.println();
        for (Map.Entry<String, Object> entry : report.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof List<?> list) {
                out.printf("%-32s %s%n", entry.getKey(), list.isEmpty() ? "none" : "");
                for (Object item : list) {
                    out.printf("  %s%n", item);
                }
            } else if (value instanceof Double number) {
                out.printf(Locale.ROOT, "%-32s %.1f%n", entry.getKey(), number);
            } else {
                out.printf("%-32s %s%n", entry.getKey(), value);
            }
        }
        @SuppressWarnings("unchecked")
        List<String> failures = (List<String>) report.get("failures");
        out.println(failures.isEmpty() ? "soak passed" : "soak FAILED");
    }

    private static PublicKeyIdentity publicKey(String name) throws KeyFileException {
        return PemPublicKeys.read(Path.of("keys/sample", name + ".pub.pem"));
    }

    /** A fresh P-256 key written as PEM, its public half beside it. */
    private static PublicKeyIdentity newP256Key(Path privateFile, Path publicFile)
            throws GeneralSecurityException, IOException, KeyFileException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        writePem(privateFile, "PRIVATE KEY", pair.getPrivate().getEncoded());
        writePem(publicFile, "PUBLIC KEY", pair.getPublic().getEncoded());
        return PemPublicKeys.read(publicFile);
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        try (PemWriter writer = new PemWriter(Files.newBufferedWriter(file))) {
            writer.writeObject(new PemObject(type, der));
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void privateCopy(Path from, Path to) throws IOException {
        Files.copy(from, to);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute("soak", new SoakCommand(), args));
    }
}
