package io.keyless.server;

import io.keyless.keys.KeyFileException;
import io.keyless.keys.KeyFilePermissions;
import io.keyless.keys.KeyIdentifiers;
import io.keyless.keys.LoadedKey;
import io.keyless.keys.PemCertificates;
import io.keyless.keys.PemPrivateKeys;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The server's TLS policy: TLS 1.2 only, a client certificate required and verified against the configured CA file
 * only, and the reference's ECDHE AES-GCM suites with their AES-128 and ChaCha20 siblings.
 */
final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    static final String PROTOCOL = "TLSv1.2";

    static final List<String> CIPHER_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final String JDK_REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    /** The largest plaintext of one TLS record; responses are written so that none straddles two. */
    static final int MAX_RECORD_PLAINTEXT = 16 * 1024;

    private ServerTls() {
    }

    /** The context, with what was read to build it. */
    record Material(SslContext context, String implementation, List<X509Certificate> serverChain,
                    List<X509Certificate> clientCas) {
    }

    /**
     * Reads the server certificate, its key and the client CA file and builds the context.
     *
     * @param problems receives one line per unusable file; nothing is returned if any was added
     */
    static Material build(ServerConfig config, List<String> problems) {
        List<X509Certificate> chain = certificates(config.serverCert(), problems);
        List<X509Certificate> cas = certificates(config.caFile(), problems);
        LoadedKey key = null;
        try {
            key = PemPrivateKeys.read(config.serverKey());
            String exposure = KeyFilePermissions.exposure(config.serverKey());
            if (exposure != null) {
                log.warn("server key file={} is readable by {}; only the server's user should read it: chmod 600 {}",
                        config.serverKey(), exposure, config.serverKey());
            }
        } catch (KeyFileException e) {
            problems.add(e.getMessage());
        }
        if (chain == null || cas == null || key == null) {
            return null;
        }
        if (!Arrays.equals(KeyIdentifiers.ski(chain.get(0)), key.ski())) {
            problems.add(config.serverKey() + ": is not the key of the certificate in " + config.serverCert());
            return null;
        }

        // The JDK lets a client renegotiate, and so make the server sign again, as often as it likes; BoringSSL
        // never renegotiates as a server. Operators can still set the property themselves.
        if (System.getProperty(JDK_REJECT_RENEGOTIATION) == null) {
            System.setProperty(JDK_REJECT_RENEGOTIATION, "true");
        }
        SslProvider provider;
        String implementation;
        switch (config.tls()) {
            case JDK:
                provider = SslProvider.JDK;
                implementation = "jdk";
                break;
            case OPENSSL:
                if (!OpenSsl.isAvailable()) {
                    problems.add("BoringSSL (netty-tcnative) is not available: " + OpenSsl.unavailabilityCause());
                    return null;
                }
                provider = SslProvider.OPENSSL;
                implementation = "openssl";
                break;
            default:
                provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
                implementation = provider == SslProvider.OPENSSL ? "openssl" : "jdk";
        }

        try {
            SslContext context = SslContextBuilder.forServer(key.privateKey(), chain.toArray(new X509Certificate[0]))
                    .sslProvider(provider)
                    .protocols(PROTOCOL)
                    .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                    .trustManager(cas.toArray(new X509Certificate[0]))
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
            return new Material(context, implementation, chain, cas);
        } catch (SSLException | IllegalArgumentException e) {
            problems.add(config.serverCert() + ": cannot build the TLS context: " + e.getMessage());
            return null;
        }
    }

    /** Describes the TLS implementation in use, for the start-up log. */
    static String describe(Material material) {
        return material.implementation().equals("openssl")
                ? "openssl version=\"" + OpenSsl.versionString() + "\""
                : "jdk";
    }

    private static List<X509Certificate> certificates(Path file, List<String> problems) {
        try {
            return new ArrayList<>(PemCertificates.read(file));
        } catch (KeyFileException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}
