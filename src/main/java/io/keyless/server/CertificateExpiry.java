package io.keyless.server;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of the certificates the server depends on expire soon: its own, without which no client connects, and the
 * client CA, without which no client certificate verifies. Checked at start-up, by {@code --test}, and daily.
 */
public final class CertificateExpiry {
    private CertificateExpiry() {
    }

    /**
     * One line for each certificate that has expired or expires within {@code window} of {@code now}; none when all
     * are good for longer.
     */
    public static List<String> warnings(X509Certificate server, List<X509Certificate> clientCas, Instant now,
                                        Duration window) {
        List<String> warnings = new ArrayList<>();
        check("server certificate", server, now, window, warnings);
        for (X509Certificate ca : clientCas) {
            check("client CA", ca, now, window, warnings);
        }
        return warnings;
    }

    private static void check(String role, X509Certificate certificate, Instant now, Duration window,
                              List<String> warnings) {
        Instant expires = certificate.getNotAfter().toInstant().truncatedTo(ChronoUnit.SECONDS);
        String subject = certificate.getSubjectX500Principal().getName().replace('"', '\'');
        if (!now.isBefore(expires)) {
            warnings.add(role + " subject=\"" + subject + "\" expired at " + expires);
        } else if (Duration.between(now, expires).compareTo(window) <= 0) {
            long days = Duration.between(now, expires).toDays();
            warnings.add(role + " subject=\"" + subject + "\" expires at " + expires + ", in " + days
                    + (days == 1 ? " day" : " days"));
        }
    }
}
