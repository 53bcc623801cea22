package io.keyless.server;

import io.keyless.crypto.CryptoProviders;
import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyFileException;
import io.keyless.keys.KeyIndex;
import io.keyless.keys.KeyLoadException;
import io.netty.handler.ssl.SslContext;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything start-up reads and checks before it listens: the TLS context with its certificates and the keys.
 * {@code --test} stops here.
 *
 * @param keyLoadTime how long reading and checking the key directory took
 */
public record ServerSetup(SslContext sslContext, String tlsImplementation, List<X509Certificate> serverChain,
                          List<X509Certificate> clientCas, CryptoProviders providers, KeyIndex keys,
                          Duration keyLoadTime) {
    /**
     * Reads and checks every file the configuration names.
     *
     * @throws StartupException with one line per unusable file, all files checked
     */
    public static ServerSetup prepare(ServerConfig config) throws StartupException {
        List<String> problems = new ArrayList<>();
        ServerTls.Material tls = ServerTls.build(config, problems);
        CryptoProviders providers = config.cryptoProviders();
        if (providers == null) {
            try {
                providers = CryptoProviders.select(config.cryptoProvider());
            } catch (GeneralSecurityException e) {
                throw new StartupException(e.getMessage());
            }
        }

        long start = System.nanoTime();
        KeyIndex keys = null;
        try {
            keys = KeyDirectory.load(config.keyDirectory(), providers::translate);
        } catch (KeyLoadException e) {
            e.problems().stream().map(KeyFileException::getMessage).forEach(problems::add);
        }
        Duration keyLoadTime = Duration.ofNanos(System.nanoTime() - start);

        if (!problems.isEmpty()) {
            throw new StartupException(problems);
        }
        return new ServerSetup(tls.context(), ServerTls.describe(tls), tls.serverChain(), tls.clientCas(), providers,
                keys, keyLoadTime);
    }

    /** The certificate the server presents. */
    public X509Certificate serverCertificate() {
        return serverChain.get(0);
    }

    /** The cipher suites the TLS context accepts, in preference order. */
    public List<String> cipherSuites() {
        return sslContext.cipherSuites();
    }
}
