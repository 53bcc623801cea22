package io.keyless.testclient;

import io.keyless.cli.CommandLines;
import io.keyless.client.KeylessClient;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.KeyType;
import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.tools.ConnectionOptions;
import io.keyless.tools.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code testclient}: checks a key server end to end, as the reference's test client did, and more.
 */
@Command(name = "testclient", mixinStandardHelpOptions = true, versionProvider = CommandLines.Version.class,
        sortOptions = false, usageHelpWidth = 100,
        description = "Checks a Keyless key server end to end: every opcode and error code, malformed input, "
                + "pipelining, over fresh, shared, parallel and reopened connections; then times every signing "
                + "opcode.",
        footer = "%nExit status: 0 when every check passed, 1 when one failed or the server cannot be reached, "
                + "2 for a usage error.")
public final class TestClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--rsa-pubkey", paramLabel = "FILE",
            description = "PEM public key or certificate of an RSA key the server holds; repeatable.")
    List<Path> rsaKeys = new ArrayList<>();

    @Option(names = "--ec-pubkey", paramLabel = "FILE",
            description = "PEM public key or certificate of an EC key the server holds; repeatable.")
    List<Path> ecKeys = new ArrayList<>();

    @Option(names = "--short", description = "Run the checks only, not the timings.")
    boolean quick;

    @Option(names = "--alive", description = "Only check that the server answers a ping.")
    boolean alive;

    @Option(names = "--health", description = "One ping and one verified signature per key; for monitoring.")
    boolean health;

    @Option(names = "--debug", description = "Print every request and response (ids, opcodes, lengths).")
    boolean debug;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @Option(names = "--timing-requests", paramLabel = "N", defaultValue = "500",
            description = "Requests in each timing scenario (default: ${DEFAULT-VALUE}).")
    int timingRequests;

    public static void main(String[] args) {
        System.exit(CommandLines.execute("testclient", new TestClientCommand(), args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = connection.problems();
        List<PublicKeyIdentity> rsa = readKeys(rsaKeys, KeyType.RSA, problems);
        List<PublicKeyIdentity> ec = readKeys(ecKeys, KeyType.EC, problems);
        if (rsaKeys.isEmpty() && ecKeys.isEmpty() && !alive) {
            throw new ParameterException(spec.commandLine(), "give at least one key with --rsa-pubkey or --ec-pubkey");
        }
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("testclient: " + problem));
            err.flush();
            return 1;
        }

        try (KeylessClient client = connection.client(2)) {
            SuiteRunner.Connector connector = () -> client.connect(connection.server, connection.port);
            if (alive || health) {
                List<PublicKeyIdentity> keys = new ArrayList<>(rsa);
                keys.addAll(ec);
                return new HealthCheck(connector, debug ? out : null).run(alive ? List.of() : keys, out, json);
            }
            return suite(connector, rsa, ec, out);
        }
    }

    private int suite(SuiteRunner.Connector connector, List<PublicKeyIdentity> rsa, List<PublicKeyIdentity> ec,
                      PrintWriter out) throws Exception {
        SuiteRunner runner = new SuiteRunner(connector, debug ? out : null, json ? null : out);
        List<SuiteRunner.Result> results = runner.run(Cases.all(rsa, ec));
        List<Timings.Timing> timings = List.of();
        if (!quick) {
            List<PublicKeyIdentity> timed = new ArrayList<>();
            rsa.stream().findFirst().ifPresent(timed::add);
            ec.stream().findFirst().ifPresent(timed::add);
            timings = new Timings(connector, timingRequests).run(timed);
        }
        long failed = results.stream().filter(result -> !result.passed()).count()
                + timings.stream().filter(timing -> timing.failed() > 0).count();
        long passed = results.size() + timings.size() - failed;

        if (json) {
            out.println(Json.write(document(results, timings, passed, failed)));
        } else {
            for (Timings.Timing timing : timings) {
                out.printf("%-4s timing %-18s %-14s %-20s %,9.0f ops/s%s%n", timing.failed() == 0 ? "ok" : "FAIL",
                        timing.opcode(), timing.key(), timing.scenario(), timing.perSecond(),
                        timing.failed() == 0 ? "" : " (" + timing.failed() + " of " + timing.requests() + " failed)");
            }
            out.printf("%d passed, %d failed%n", passed, failed);
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private Map<String, Object> document(List<SuiteRunner.Result> results, List<Timings.Timing> timings,
                                         long passed, long failed) {
        List<Object> cases = new ArrayList<>();
        for (SuiteRunner.Result result : results) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("mode", result.mode().label);
            item.put("case", result.name());
            item.put("passed", result.passed());
            item.put("millis", result.millis());
            if (!result.passed()) {
                item.put("detail", result.detail());
            }
            cases.add(item);
        }
        List<Object> times = new ArrayList<>();
        for (Timings.Timing timing : timings) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("opcode", timing.opcode().name());
            item.put("key", timing.key());
            item.put("scenario", timing.scenario());
            item.put("requests", timing.requests());
            item.put("failed", timing.failed());
            item.put("ops_per_second", timing.perSecond());
            times.add(item);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("server", connection.server + ":" + connection.port);
        document.put("passed", passed);
        document.put("failed", failed);
        document.put("cases", cases);
        document.put("timings", times);
        return document;
    }

    private static List<PublicKeyIdentity> readKeys(List<Path> files, KeyType type, List<String> problems) {
        List<PublicKeyIdentity> keys = new ArrayList<>();
        String flag = type == KeyType.RSA ? "--rsa-pubkey" : "--ec-pubkey";
        for (Path file : files) {
            try {
                PublicKeyIdentity key = PemPublicKeys.read(file);
                if (key.type() != type) {
                    problems.add(flag + " " + file + ": is an " + key.describe() + " key");
                } else {
                    keys.add(key);
                }
            } catch (KeyFileException e) {
                problems.add(flag + " " + e.getMessage());
            }
        }
        return keys;
    }
}
