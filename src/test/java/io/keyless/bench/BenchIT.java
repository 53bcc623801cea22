package io.keyless.bench;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.OpenSslCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/bench against the packaged server on the sample files, briefly. */
class BenchIT {
    @TempDir
    static Path dir;

    private static KeylessProcess server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = KeylessProcess.startSampleServer(dir);
        port = server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void reportsThroughputLatencyAndServerCpuInClosedLoop() throws Exception {
        KeylessProcess.Result result = bench("--workload", "p256-sha256", "--duration", "2", "--warmup", "1",
                "--server-pid", Long.toString(server.pid()));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("workload    p256-sha256 (ECDSA_SIGN_SHA256)")
                .contains("load        2 connections x 16 in flight (closed loop)")
                .containsPattern("answered    [\\d,]+ \\([\\d,]+ ok, 0 errors\\)")
                .containsPattern("throughput  [\\d,]+ ops/s")
                .containsPattern("latency     p50 [\\d.]+ ms  p90 [\\d.]+ ms  p99 [\\d.]+ ms  p99.9 [\\d.]+ ms  max")
                .containsPattern("server cpu  \\d+ us/op");
    }

    @Test
    void holdsAFixedRateInOpenLoopAndWritesJson() throws Exception {
        KeylessProcess.Result result = bench("--mix", "rsa2048-sha256:1,p256-sha384:1,ping:2", "--rate", "200",
                "--duration", "2", "--warmup", "0.5", "--json");

        assertThat(result.status()).as(result.stderr()).isZero();
        String json = result.stdout().trim();
        assertThat(json).startsWith("{\"server\":\"localhost:" + port + "\"").endsWith("}")
                .contains("\"rate\":200.000")
                .contains("\"name\":\"ping\",\"opcode\":\"PING\",\"share_percent\":50.000")
                .contains("\"errors\":{}").contains("\"unanswered\":0");
        double opsPerSecond = Double.parseDouble(json.replaceAll(".*\"ops_per_second\":([\\d.]+).*", "$1"));
        assertThat(opsPerSecond).isBetween(150.0, 250.0);
    }

    @Test
    void countsErrorsByCodeAndExitsOne() throws Exception {
        Path otherKey = dir.resolve("other.pub.pem");
        OpenSslCli.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.key");
        OpenSslCli.run(dir, "ec", "-in", "other.key", "-pubout", "-out", otherKey.toString());

        KeylessProcess.Result result = bench("--key", "other=" + otherKey, "--workload", "other-sha256",
                "--duration", "1", "--warmup", "0");

        assertThat(result.status()).isOne();
        assertThat(result.stdout()).containsPattern("errors      KEY_NOT_FOUND=[\\d]+");
    }

    @Test
    void measuresHandshakesAndTheirServerCpu() throws Exception {
        KeylessProcess.Result result = bench("--handshakes", "--connections", "2", "--duration", "2",
                "--warmup", "0.5", "--server-pid", Long.toString(server.pid()));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stdout())
                .contains("workload    handshakes (connect, mutual TLS 1.2 handshake, close)")
                .containsPattern("handshakes  [\\d,]+ \\(0 failed\\)")
                .containsPattern("server cpu  \\d+ us/handshake");
    }

    @Test
    void refusesAnUnknownWorkloadAsAUsageError() throws Exception {
        KeylessProcess.Result result = bench("--workload", "rsa9999-sha256");

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("bench: --workload: no key named 'rsa9999'");
    }

    private static KeylessProcess.Result bench(String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/bench"));
        command.addAll(KeylessProcess.sampleClientFlags(port));
        command.addAll(List.of(extra));
        return KeylessProcess.runCommand(dir, command, Duration.ofMinutes(2));
    }
}
