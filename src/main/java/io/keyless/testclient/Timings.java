package io.keyless.testclient;

import io.keyless.client.KeylessConnection;
import io.keyless.keys.KeyType;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The reference test client's timings, for every signing opcode: one request at a time on one connection, a new
 * connection per batch, two threads with a connection each, and everything pipelined on one connection.
 */
final class Timings {
    /** Requests in one batch of the connection-per-batch scenario. */
    static final int BATCH = 10;

    /** One scenario's figure. */
    record Timing(KeylessOpcode opcode, String key, String scenario, int requests, int failed, double perSecond) {
    }

    private final SuiteRunner.Connector connector;
    private final int requests;

    /** @param requests how many requests each scenario sends */
    Timings(SuiteRunner.Connector connector, int requests) {
        this.connector = connector;
        this.requests = requests;
    }

    List<Timing> run(List<PublicKeyIdentity> keys) throws Exception {
        List<Timing> timings = new ArrayList<>();
        for (PublicKeyIdentity key : keys) {
            for (KeylessOpcode opcode : KeylessOpcode.values()) {
                boolean fits = key.type() == KeyType.RSA
                        ? opcode.kind() == KeylessOpcode.Kind.RSA_SIGN
                        : opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN;
                if (fits) {
                    Template template = new Template(opcode, key.ski(),
                            Crypto.hash(opcode.hash(), Crypto.random(64)));
                    String name = String.valueOf(key.file().getFileName());
                    timings.add(time(opcode, name, "sequential", () -> sequential(template, requests)));
                    timings.add(time(opcode, name, "connection per batch", () -> perBatch(template)));
                    timings.add(time(opcode, name, "two threads", () -> twoThreads(template)));
                    timings.add(time(opcode, name, "pipelined", () -> pipelined(template)));
                }
            }
        }
        return timings;
    }

    @FunctionalInterface
    private interface Scenario {
        int run() throws Exception;
    }

    private Timing time(KeylessOpcode opcode, String key, String scenario, Scenario body) throws Exception {
        long start = System.nanoTime();
        int failed = body.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Timing(opcode, key, scenario, requests, failed, requests / seconds);
    }

    private int sequential(Template template, int count) throws IOException {
        int failed = 0;
        try (KeylessConnection connection = connector.open()) {
            for (int i = 0; i < count; i++) {
                failed += ok(connection.send(template.request(connection.nextId()))) ? 0 : 1;
            }
        }
        return failed;
    }

    private int perBatch(Template template) throws IOException {
        int failed = 0;
        for (int sent = 0; sent < requests; sent += BATCH) {
            try (KeylessConnection connection = connector.open()) {
                List<CompletableFuture<KeylessResponse>> batch = new ArrayList<>();
                for (int i = 0; i < Math.min(BATCH, requests - sent); i++) {
                    batch.add(connection.queue(template.request(connection.nextId())));
                }
                connection.flush();
                for (CompletableFuture<KeylessResponse> response : batch) {
                    failed += ok(response) ? 0 : 1;
                }
            }
        }
        return failed;
    }

    private int twoThreads(Template template) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = threads.submit(() -> sequential(template, requests / 2));
            Future<Integer> second = threads.submit(() -> sequential(template, requests - requests / 2));
            return first.get() + second.get();
        } finally {
            threads.shutdownNow();
        }
    }

    private int pipelined(Template template) throws IOException {
        int failed = 0;
        try (KeylessConnection connection = connector.open()) {
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                responses.add(connection.queue(template.request(connection.nextId())));
            }
            connection.flush();
            for (CompletableFuture<KeylessResponse> response : responses) {
                failed += ok(response) ? 0 : 1;
            }
        }
        return failed;
    }

    /** The fixed parts of a scenario's requests; builders are not shared between threads. */
    private record Template(KeylessOpcode opcode, byte[] ski, byte[] hash) {
        KeylessRequest request(int id) {
            return KeylessRequest.builder(opcode).id(id).ski(ski).payload(hash).build();
        }
    }

    private static boolean ok(CompletableFuture<KeylessResponse> response) {
        try {
            return response.get(CaseContext.TIMEOUT_SECONDS, TimeUnit.SECONDS).opcode() == KeylessOpcode.RESPONSE;
        } catch (Exception e) {
            return false;
        }
    }
}
