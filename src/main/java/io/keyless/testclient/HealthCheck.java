package io.keyless.testclient;

import io.keyless.client.KeylessConnection;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.tools.Json;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --alive} and {@code --health}: connect, ping, and sign once with each key, verifying the signature. Cheap
 * enough to run from a monitoring system every few seconds.
 */
final class HealthCheck {
    private record Check(String name, boolean passed, String detail, long millis) {
    }

    private final SuiteRunner.Connector connector;
    private final PrintWriter debug;

    /** @param debug where {@code --debug} prints every exchange, or {@code null} */
    HealthCheck(SuiteRunner.Connector connector, PrintWriter debug) {
        this.connector = connector;
        this.debug = debug;
    }

    /** Runs the checks, prints them, and returns the exit status: 0 healthy, 1 not. */
    int run(List<PublicKeyIdentity> keys, PrintWriter out, boolean json) {
        List<Check> checks = new ArrayList<>();
        long start = System.nanoTime();
        try (KeylessConnection connection = connector.open()) {
            checks.add(new Check("connect", true, connection.session().getProtocol() + " "
                    + connection.session().getCipherSuite(), millis(start)));
            CaseContext context = new CaseContext(connection, debug);
            checks.add(check("ping", () -> CaseContext.expect(context.call(
                    KeylessRequest.builder(KeylessOpcode.PING).payload(new byte[] {1})), KeylessOpcode.PONG)));
            for (PublicKeyIdentity key : keys) {
                KeylessOpcode opcode = Cases.signOpcode(key);
                checks.add(check("sign " + key.file().getFileName() + " " + key.describe(), () -> {
                    byte[] message = Crypto.random(32);
                    byte[] signature = CaseContext.expect(context.call(KeylessRequest.builder(opcode)
                            .ski(key.ski()).payload(Crypto.hash(opcode.hash(), message))), KeylessOpcode.RESPONSE);
                    Cases.require(Crypto.verifies(opcode, key.publicKey(), message, signature),
                            "signature does not verify");
                }));
            }
        } catch (Exception e) {
            checks.add(new Check("connect", false, e.getMessage(), millis(start)));
        }

        boolean healthy = checks.stream().allMatch(Check::passed);
        if (json) {
            List<Object> items = new ArrayList<>();
            for (Check check : checks) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("check", check.name());
                item.put("passed", check.passed());
                item.put("millis", check.millis());
                item.put("detail", check.detail());
                items.add(item);
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("healthy", healthy);
            document.put("checks", items);
            out.println(Json.write(document));
        } else {
            for (Check check : checks) {
                out.printf("%-4s %s (%d ms)%s%n", check.passed() ? "ok" : "FAIL", check.name(), check.millis(),
                        check.detail().isEmpty() ? "" : ": " + check.detail());
            }
            out.println(healthy ? "healthy" : "unhealthy");
        }
        out.flush();
        return healthy ? 0 : 1;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Check check(String name, Step step) {
        long start = System.nanoTime();
        try {
            step.run();
            return new Check(name, true, "", millis(start));
        } catch (Exception e) {
            return new Check(name, false, String.valueOf(e.getMessage()), millis(start));
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
