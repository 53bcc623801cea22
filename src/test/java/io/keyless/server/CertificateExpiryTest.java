package io.keyless.server;

import io.keyless.testing.Samples;
import io.keyless.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateExpiryTest {
    private static final Duration MONTH = Duration.ofDays(30);
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    static Path dir;

    private static TestPki pki;
    private static X509Certificate ca;

    @BeforeAll
    static void authority() throws Exception {
        pki = TestPki.authority(dir, "expiry");
        // Good for a century: only the certificate under test can be the one expiring.
        ca = read(Samples.CLIENT_CA);
    }

    @Test
    void saysNothingOfCertificatesGoodForLongerThanTheWindow() throws Exception {
        X509Certificate server = issue("far", NOW.plus(31, ChronoUnit.DAYS));

        assertThat(CertificateExpiry.warnings(server, List.of(ca), NOW, MONTH)).isEmpty();
    }

    @Test
    void warnsOfAServerCertificateExpiringWithinTheWindowWithTheDaysLeft() throws Exception {
        X509Certificate server = issue("soon", NOW.plus(12, ChronoUnit.DAYS).plus(3, ChronoUnit.HOURS));

        assertThat(CertificateExpiry.warnings(server, List.of(ca), NOW, MONTH)).containsExactly(
                "server certificate subject=\"CN=soon\" expires at " + server.getNotAfter().toInstant()
                        + ", in 12 days");
    }

    @Test
    void saysOneDayInTheSingular() throws Exception {
        X509Certificate server = issue("tomorrow", NOW.plus(1, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS));

        assertThat(CertificateExpiry.warnings(server, List.of(ca), NOW, MONTH)).singleElement().asString()
                .endsWith(", in 1 day");
    }

    @Test
    void reportsAnExpiredCertificateAsExpired() throws Exception {
        X509Certificate server = issue("gone", NOW.minus(2, ChronoUnit.DAYS));

        assertThat(CertificateExpiry.warnings(server, List.of(ca), NOW, MONTH)).containsExactly(
                "server certificate subject=\"CN=gone\" expired at " + server.getNotAfter().toInstant());
    }

    @Test
    void checksEveryClientCaAsWellAsTheServerCertificate() throws Exception {
        X509Certificate server = issue("fine", NOW.plus(365, ChronoUnit.DAYS));
        X509Certificate shortLived = read(pki.caFile()); // a test CA lives for a day

        assertThat(CertificateExpiry.warnings(server, List.of(ca, shortLived), NOW, MONTH))
                .singleElement().asString().startsWith("client CA subject=\"CN=expiry\" expires at "
                        + shortLived.getNotAfter().toInstant() + ", in ");
    }

    private static X509Certificate issue(String name, Instant notAfter) throws Exception {
        Instant notBefore = notAfter.isAfter(NOW) ? NOW.minus(1, ChronoUnit.DAYS)
                : notAfter.minus(10, ChronoUnit.DAYS);
        return read(pki.issue(name, notBefore, notAfter).certificate());
    }

    private static X509Certificate read(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
