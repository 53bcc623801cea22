package io.keyless.testclient;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.OpenSslCli;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference's {@code make test}: the packaged server on the sample files, and scripts/testclient run against
 * it.
 */
class TestClientIT {
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
    void passesEveryCaseInShortMode() throws Exception {
        KeylessProcess.Result result = testclient("--short");

        assertThat(result.status()).as(result.stdout()).isZero();
        assertThat(result.stdout().lines()).noneMatch(line -> line.startsWith("FAIL"));
        assertThat(result.stdout()).endsWith("140 passed, 0 failed\n");
        for (String mode : List.of("own connection", "one connection", "two connections", "reconnect midway")) {
            assertThat(result.stdout()).contains("ok   " + mode);
        }
        assertThat(result.stdout()).contains("a ping with major version 2 is answered VERSION_MISMATCH")
                .contains("1000 pipelined signatures on one connection are all answered and verify");
    }

    @Test
    void passesEveryCaseAndTimesEverySigningOpcode() throws Exception {
        KeylessProcess.Result result = testclient("--timing-requests", "20");

        assertThat(result.status()).as(result.stdout()).isZero();
        assertThat(result.stdout().lines()).noneMatch(line -> line.startsWith("FAIL"));
        assertThat(result.stdout()).endsWith("188 passed, 0 failed\n");
        assertThat(result.stdout().lines().filter(line -> line.startsWith("ok   timing"))).hasSize(48);
        assertThat(result.stdout())
                .containsPattern("ok   timing RSA_SIGN_SHA512 +rsa2048.pub.pem +pipelined +[\\d,]+ ops/s")
                .containsPattern("timing ECDSA_SIGN_MD5SHA1 +p256.pub.pem +connection per batch");
    }

    @Test
    void reportsFailuresAndExitsOneWhenTheServerLacksAKey() throws Exception {
        Path otherKey = dir.resolve("other.pub.pem");
        OpenSslCli.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "other.key");
        OpenSslCli.run(dir, "ec", "-in", "other.key", "-pubout", "-out", otherKey.toString());

        KeylessProcess.Result result = run(List.of("--ec-pubkey", otherKey.toString(), "--short"));

        assertThat(result.status()).isOne();
        assertThat(result.stdout()).contains("FAIL own connection   ECDSA_SIGN_SHA256 signs so that the public key "
                + "verifies (other.pub.pem)").contains(": expected RESPONSE, got error KEY_NOT_FOUND");
        assertThat(result.stdout()).containsPattern("\\d+ passed, [1-9]\\d* failed\n$");
    }

    @Test
    void healthSignsOnceWithEachKey() throws Exception {
        KeylessProcess.Result result = testclient("--health");

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("ok   ping").contains("ok   sign rsa2048.pub.pem RSA-2048")
                .contains("ok   sign p256.pub.pem P-256").endsWith("healthy\n");
    }

    @Test
    void aliveWithJsonSaysWhetherTheServerAnswers() throws Exception {
        KeylessProcess.Result up = run(List.of("--alive", "--json"));
        assertThat(up.status()).isZero();
        assertThat(up.stdout()).startsWith("{\"healthy\":true,\"checks\":[{\"check\":\"connect\",\"passed\":true");

        KeylessProcess.Result down = run(KeylessProcess.freePort(), List.of("--alive"));
        assertThat(down.status()).isOne();
        assertThat(down.stdout()).contains("FAIL connect").endsWith("unhealthy\n");
    }

    @Test
    void jsonCarriesEveryResult() throws Exception {
        KeylessProcess.Result result = testclient("--short", "--json");

        assertThat(result.status()).isZero();
        assertThat(result.stdout().lines()).hasSize(1);
        assertThat(result.stdout()).startsWith("{\"server\":\"localhost:" + port + "\",\"passed\":140,\"failed\":0,");
    }

    @Test
    void debugPrintsEveryExchange() throws Exception {
        KeylessProcess.Result result = run(List.of("--alive", "--debug"));

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("debug: request id=1 opcode=0xF1 payload=1 bytes\n")
                .contains("debug: response id=1 opcode=PONG payload=1 bytes\n");
    }

    @Test
    void exitsTwoWithoutAnyKey() throws Exception {
        KeylessProcess.Result result = run(List.of("--short"));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("testclient: give at least one key");
    }

    @Test
    void namesAMissingFileAndExitsOne() throws Exception {
        KeylessProcess.Result result = run(List.of("--rsa-pubkey", dir.resolve("missing.pem").toString()));

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).contains("--rsa-pubkey " + dir.resolve("missing.pem") + ": no such file");
    }

    private static KeylessProcess.Result testclient(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--rsa-pubkey", Samples.KEYS.resolve("rsa2048.pub.pem").toString(),
                "--ec-pubkey", Samples.KEYS.resolve("p256.pub.pem").toString()));
        args.addAll(List.of(extra));
        return run(args);
    }

    private static KeylessProcess.Result run(List<String> extra) throws Exception {
        return run(port, extra);
    }

    private static KeylessProcess.Result run(int serverPort, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/testclient"));
        command.addAll(KeylessProcess.sampleClientFlags(serverPort));
        command.addAll(extra);
        return KeylessProcess.runCommand(dir, command, Duration.ofMinutes(3));
    }
}
