package io.keyless.server;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.Samples;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A key server on loopback with a client for it, started and stopped by a test class.
 */
final class RunningServer implements AutoCloseable {
    final KeylessServer server;
    final KeylessClient client;

    private RunningServer(KeylessServer server, KeylessClient client) {
        this.server = server;
        this.client = client;
    }

    static RunningServer start(ServerConfig config) throws StartupException {
        return start(config, Samples.newClient());
    }

    static RunningServer start(ServerConfig config, KeylessClient client) throws StartupException {
        return new RunningServer(KeylessServer.start(config), client);
    }

    int port() {
        return server.localAddress().getPort();
    }

    KeylessConnection connect() throws IOException {
        return client.connect("127.0.0.1", port());
    }

    static KeylessResponse await(CompletableFuture<KeylessResponse> response) {
        try {
            return response.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no response", e);
        }
    }

    /** Waits up to 10 s for {@code condition}, failing the test if it never holds. */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
