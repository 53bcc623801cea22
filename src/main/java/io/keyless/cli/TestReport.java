package io.keyless.cli;

import io.keyless.keys.KeyIdentifiers;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import io.keyless.server.CertificateExpiry;
import io.keyless.server.ServerConfig;
import io.keyless.server.ServerSetup;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/** What {@code --test} prints when the configuration is good: everything start-up read, one line each. */
final class TestReport {
    private TestReport() {
    }

    static void print(PrintWriter out, ServerConfig config, ServerSetup setup) {
        out.printf("tls: %s, %s, suites %s%n", setup.tlsImplementation(), "TLSv1.2",
                String.join(",", setup.cipherSuites()));
        out.printf("server certificate: %s %s%n", config.serverCert(), describe(setup.serverCertificate()));
        for (X509Certificate ca : setup.clientCas()) {
            out.printf("client CA: %s %s%n", config.caFile(), describe(ca));
        }
        List<String> expiring = CertificateExpiry.warnings(setup.serverCertificate(), setup.clientCas(), Instant.now(),
                config.expiryWarning());
        for (String warning : expiring) {
            out.printf("expiry warning: %s%n", warning);
        }
        if (expiring.isEmpty()) {
            out.printf("expiry: no certificate expires within %d days%n", config.expiryWarning().toDays());
        }
        out.printf("crypto: %s%n", setup.providers().describe());
        for (String skipped : setup.providers().skipped()) {
            out.printf("crypto provider skipped: %s%n", skipped);
        }
        out.printf("keys: %d from %s (%d RSA, %d EC) in %d ms%n", setup.keys().size(), config.keyDirectory(),
                setup.keys().count(KeyType.RSA), setup.keys().count(KeyType.EC), setup.keyLoadTime().toMillis());
        for (LoadedKey key : setup.keys().keys()) {
            out.printf("key: %s %s ski=%s digest=%s%n", key.file(), key.describe(), KeyIdentifiers.hex(key.ski()),
                    KeyIdentifiers.hex(key.digest()));
        }
        out.printf("listen: %s:%d, %d workers (not bound by --test)%n",
                config.address() == null ? "*" : config.address().getHostAddress(), config.port(), config.workers());
        InetSocketAddress metrics = config.metricsAddress();
        out.printf("metrics: %s%n", metrics == null ? "off"
                : (metrics.getAddress().isAnyLocalAddress() ? "*" : metrics.getAddress().getHostAddress()) + ":"
                        + metrics.getPort() + " /metrics /health (not bound by --test)");
        out.printf("limits: max-connections %d, max-pending %d, max-queued %d, handshake-timeout %s, "
                        + "idle-timeout %s, shutdown-timeout %s%n", config.maxConnections(), config.maxPending(),
                config.maxQueued(), DurationConverter.format(config.handshakeTimeout()),
                DurationConverter.format(config.idleTimeout()), DurationConverter.format(config.shutdownGrace()));
        out.println("configuration OK");
    }

    private static String describe(X509Certificate certificate) {
        Instant expires = certificate.getNotAfter().toInstant();
        String status = Instant.now().isAfter(expires) ? " EXPIRED" : "";
        return "subject=\"" + certificate.getSubjectX500Principal().getName() + "\" expires=" + expires + status;
    }
}
