package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server's metrics port, turned on from the command line and scraped over HTTP. */
class MetricsIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void testModeShowsTheMetricsPortGokeylessUsesWhenNoneIsGiven() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--test", "--metrics-port"));

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("metrics: 127.0.0.1:2406 /metrics /health (not bound by --test)\n")
                .contains("expiry: no certificate expires within 30 days\n");
    }

    @Test
    void testModeSaysMetricsAreOffByDefault() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--test"));

        assertThat(result.stdout()).contains("metrics: off\n");
    }

    @Test
    void aMetricsAddressWithoutAPortIsAUsageError() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--metrics-ip", "127.0.0.1"));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: --metrics-ip needs --metrics-port\n");
    }

    @Test
    void servesMetricsAndHealthWhileRunningAndCountsWhatItAnswered() throws Exception {
        int port = KeylessProcess.freePort();
        int metricsPort = KeylessProcess.freePort();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (KeylessProcess server = KeylessProcess.start(dir, with(KeylessProcess.sampleFlags(port),
                "--metrics-port", Integer.toString(metricsPort)));
             KeylessClient client = Samples.newClient()) {
            server.awaitOutput("metrics address=127.0.0.1:" + metricsPort + " paths=/metrics,/health", START);
            try (KeylessConnection connection = client.connect("127.0.0.1", port)) {
                for (int i = 0; i < 5; i++) {
                    KeylessResponse pong = connection.send(KeylessRequest.builder(KeylessOpcode.PING)
                            .payload(new byte[8])).get(30, TimeUnit.SECONDS);
                    assertThat(pong.opcode()).isEqualTo(KeylessOpcode.PONG);
                    pong.release();
                }
            }

            HttpResponse<String> health = get(http, metricsPort, "/health");
            HttpResponse<String> metrics = get(http, metricsPort, "/metrics");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("keyless_requests_total{opcode=\"PING\",result=\"OK\"} 5.0\n")
                    .contains("keyless_keys_loaded 3.0\n")
                    .contains("jvm_memory_used_bytes{area=\"heap\"}");
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(30))).isZero();
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> with(List<String> flags, String... more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(more));
        return all;
    }
}
