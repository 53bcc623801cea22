package io.keyless.server;

import io.keyless.client.KeylessConnection;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.keyless.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.keyless.server.RunningServer.await;
import static io.keyless.server.RunningServer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Starting, reloading and stopping. */
class ServerLifecycleTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "tls={0} nio={1}")
    @CsvSource({"OPENSSL,false", "OPENSSL,true", "JDK,false", "JDK,true"})
    void servesWithEveryTlsImplementationAndTransport(ServerConfig.TlsImplementation tls, boolean nio)
            throws Exception {
        try (LogCapture log = LogCapture.of(KeylessServer.class);
             RunningServer running = RunningServer.start(Samples.server().tls(tls).forceNio(nio).build());
             KeylessConnection connection = running.connect()) {
            LoadedKey rsa = Samples.rsaKey();
            KeylessResponse signed = await(connection.send(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                    .ski(rsa.ski()).payload(new byte[32])));

            assertThat(signed.opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INFO tls implementation="
                    + tls.name().toLowerCase()));
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INFO transport kind=" + (nio ? "nio" : "epoll")
                    + " io_threads="));
        }
    }

    @Test
    void logsOneLinePerStartupDecision() throws Exception {
        try (LogCapture log = LogCapture.of(KeylessServer.class);
             RunningServer running = RunningServer.start(Samples.server().build())) {
            assertThat(log.lines()).filteredOn(line -> line.startsWith("INFO")).extracting(line -> line.split(" ")[1])
                    .containsExactly("tls", "keys", "transport", "crypto", "limits", "listening");
            assertThat(log.lines()).contains("INFO listening address=127.0.0.1:" + running.port());
        }
    }

    @Test
    void checksCertificateExpiryAgainEveryPeriodUntilStopped() throws Exception {
        // Every certificate expires within a century: each check warns about the server's.
        ServerConfig config = Samples.server().expiryWarning(Duration.ofDays(36_500))
                .expiryCheckPeriod(Duration.ofMillis(400)).build();
        Predicate<String> serverWarning = line -> line.startsWith("WARN server certificate subject=");
        try (LogCapture log = LogCapture.of(KeylessServer.class)) {
            try (RunningServer running = RunningServer.start(config)) {
                assertThat(log.lines()).filteredOn(serverWarning).as("at start-up").hasSize(1);

                awaitTrue(() -> log.lines().stream().filter(serverWarning).count() >= 3);
            }
            long afterStop = log.lines().stream().filter(serverWarning).count();
            // Three periods: a check still scheduled would have run by then.
            Thread.sleep(1200);
            assertThat(log.lines()).filteredOn(serverWarning).as("no check once stopped").hasSize((int) afterStop);
        }
    }

    @Test
    void reloadServesTheNewKeysAndDropsRemovedOnes() throws Exception {
        Files.copy(Samples.RSA_KEY, dir.resolve("rsa.key"));
        Files.copy(Samples.EC_KEY, dir.resolve("ec.key"));
        try (RunningServer running = RunningServer.start(Samples.server().keyDirectory(dir).build());
             KeylessConnection connection = running.connect()) {
            LoadedKey oldEc = Samples.ecKey();
            Files.delete(dir.resolve("ec.key"));
            LoadedKey newEc = TestKeys.load(TestKeys.generate(dir, "ec-secp384r1"));

            running.server.reload();

            assertThat(running.server.keys().size()).isEqualTo(2);
            assertThat(sign(connection, newEc).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            assertThat(sign(connection, oldEc).error()).isEqualTo(KeylessError.KEY_NOT_FOUND);
        }
    }

    @Test
    void reloadWithABadFileKeepsServingTheOldKeysAndNamesTheFile() throws Exception {
        Files.copy(Samples.EC_KEY, dir.resolve("ec.key"));
        try (RunningServer running = RunningServer.start(Samples.server().keyDirectory(dir).build());
             KeylessConnection connection = running.connect();
             LogCapture log = LogCapture.of(KeylessServer.class)) {
            TestKeys.generate(dir, "rsa-2048");
            Files.writeString(dir.resolve("broken.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n");

            assertThatThrownBy(() -> running.server.reload()).isInstanceOf(ReloadException.class);

            assertThat(running.server.keys().size()).isOne();
            assertThat(sign(connection, Samples.ecKey()).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            assertThat(log.lines()).anyMatch(line -> line.startsWith("ERROR reload failed file="
                    + dir.resolve("broken.key")));
        }
    }

    @Test
    void stopAnswersEveryRequestAlreadyReceived() throws Exception {
        try (RunningServer running = RunningServer.start(Samples.server().workers(1).build());
             KeylessConnection connection = running.connect()) {
            LoadedKey rsa = Samples.rsaKey();
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                responses.add(connection.queue(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(i)
                        .ski(rsa.ski()).payload(new byte[32]).build()));
            }
            connection.flush();
            awaitReceived(running.server, 200);

            running.server.close();

            for (CompletableFuture<KeylessResponse> response : responses) {
                assertThat(response.get(1, TimeUnit.SECONDS).opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            }
            // The server has closed its end; the client hears of it on its own event loop, a moment later.
            for (int i = 0; i < 500 && connection.isOpen(); i++) {
                Thread.sleep(10);
            }
            assertThat(connection.isOpen()).isFalse();
        }
    }

    @Test
    void stopGivesUpOnSlowRequestsAfterTheGrace() throws Exception {
        try (RunningServer running = RunningServer.start(Samples.server().workers(1)
                .shutdownGrace(Duration.ofMillis(100)).build());
             KeylessConnection connection = running.connect()) {
            LoadedKey rsa = Samples.rsaKey();
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                responses.add(connection.queue(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(i)
                        .ski(rsa.ski()).payload(new byte[32]).build()));
            }
            connection.flush();
            awaitReceived(running.server, 1000);
            assertThat(running.server.getInFlight()).isPositive();

            long start = System.nanoTime();
            running.server.close();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThatThrownBy(() -> responses.get(2999).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void refusesToStartOnAPortInUse() throws Exception {
        try (RunningServer first = RunningServer.start(Samples.server().build())) {
            assertThatThrownBy(() -> KeylessServer.start(Samples.server().port(first.port()).build()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port() + ": ");
        }
    }

    @Test
    void namesEveryBadFileAtOnce() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keys.resolve("bad.key"), "nonsense");
        Path missingKey = dir.resolve("missing.key");

        assertThatThrownBy(() -> KeylessServer.start(Samples.server().caFile(ca).serverKey(missingKey)
                .keyDirectory(keys).build()))
                .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.problems()).containsExactly(
                        ca + ": holds no PEM certificate",
                        missingKey + ": no such file",
                        keys.resolve("bad.key") + ": no PEM private key found"));
    }

    @Test
    void refusesAServerKeyThatIsNotTheCertificatesKey() {
        assertThatThrownBy(() -> KeylessServer.start(Samples.server().serverKey(Samples.SERVER_RSA_KEY).build()))
                .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.problems()).containsExactly(
                        Samples.SERVER_RSA_KEY + ": is not the key of the certificate in " + Samples.SERVER_CERT));
    }

    private static KeylessResponse sign(KeylessConnection connection, LoadedKey key) {
        KeylessOpcode opcode = key.type() == KeyType.RSA
                ? KeylessOpcode.RSA_SIGN_SHA256 : KeylessOpcode.ECDSA_SIGN_SHA256;
        return await(connection.send(KeylessRequest.builder(opcode).ski(key.ski()).payload(new byte[32])));
    }

    private static void awaitReceived(KeylessServer server, int count) throws InterruptedException {
        // Requests are counted once decoded; stopping answers those and stops reading the rest.
        for (int i = 0; i < 1000 && server.getRequestsReceived() < count; i++) {
            Thread.sleep(5);
        }
        assertThat(server.getRequestsReceived()).isGreaterThanOrEqualTo(count);
    }
}
