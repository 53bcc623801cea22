package io.keyless.server;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.keyless.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.time.Instant;

import static io.keyless.server.RunningServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client certificate's validity period, checked against the CA the server trusts. */
class ClientCertificatesTest {
    @TempDir
    static Path dir;

    private static TestPki pki;
    private static RunningServer running;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.authority(dir, "edge");
        running = RunningServer.start(Samples.server().caFile(pki.caFile()).build());
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void acceptsACurrentCertificateFromTheTrustedCa() throws Exception {
        try (KeylessClient client = client(pki.issueClient("current"));
             KeylessConnection connection = client.connect("127.0.0.1", running.port())) {
            assertThat(await(connection.send(KeylessRequest.builder(KeylessOpcode.PING))).opcode())
                    .isEqualTo(KeylessOpcode.PONG);
        }
    }

    @Test
    void refusesAnExpiredCertificate() {
        Instant now = Instant.now();
        assertRefused(pki.issue("expired", now.minusSeconds(7200), now.minusSeconds(3600)),
                "CertificateExpiredException");
    }

    @Test
    void refusesACertificateNotValidYet() {
        Instant now = Instant.now();
        assertRefused(pki.issue("future", now.plusSeconds(3600), now.plusSeconds(7200)),
                "CertificateNotYetValidException");
    }

    private static void assertRefused(TestPki.Issued certificate, String reason) {
        try (LogCapture log = LogCapture.of(ConnectionEvents.class);
             KeylessClient client = client(certificate)) {
            assertThatThrownBy(() -> client.connect("127.0.0.1", running.port())).isInstanceOf(SSLException.class);
            for (int i = 0; i < 200 && log.lines().isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INFO")
                    && line.contains("handshake failed reason=\"" + reason));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static KeylessClient client(TestPki.Issued certificate) throws Exception {
        return KeylessClient.builder().clientCertificate(certificate.certificate(), certificate.key())
                .trustedCa(Samples.SERVER_CA).build();
    }
}
