package io.keyless.testing;

import io.keyless.client.KeylessClient;
import io.keyless.keys.LoadedKey;
import io.keyless.server.ServerConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PublicKey;

/** The committed sample PKI of {@code scripts/gen-test-pki}, as tests use it. */
public final class Samples {
    public static final Path CLIENT_CA = Path.of("ca/sample/client-ca.pem");
    public static final Path SERVER_CA = Path.of("ca/sample/server-ca.pem");
    public static final Path SERVER_CERT = Path.of("config/sample/server-ecdsa.pem");
    public static final Path SERVER_KEY = Path.of("config/sample/server-ecdsa.key");
    public static final Path SERVER_RSA_CERT = Path.of("config/sample/server-rsa.pem");
    public static final Path SERVER_RSA_KEY = Path.of("config/sample/server-rsa.key");
    public static final Path CLIENT_CERT = Path.of("config/sample/client-ecdsa.pem");
    public static final Path CLIENT_KEY = Path.of("config/sample/client-ecdsa.key");
    public static final Path CLIENT_RSA_CERT = Path.of("config/sample/client-rsa.pem");
    public static final Path CLIENT_RSA_KEY = Path.of("config/sample/client-rsa.key");
    public static final Path KEYS = Path.of("keys/sample");
    public static final Path RSA_KEY = KEYS.resolve("rsa2048.key");
    public static final Path EC_KEY = KEYS.resolve("p256.key");

    private Samples() {
    }

    /** A server on a free loopback port with the sample files. */
    public static ServerConfig.Builder server() {
        return ServerConfig.builder()
                .address(InetAddress.getLoopbackAddress())
                .port(0)
                .caFile(CLIENT_CA)
                .serverCert(SERVER_CERT)
                .serverKey(SERVER_KEY)
                .keyDirectory(KEYS)
                .workers(2);
    }

    /** A client with the sample ECDSA client certificate, trusting the sample server CA. */
    public static KeylessClient.Builder client() {
        return KeylessClient.builder()
                .clientCertificate(CLIENT_CERT, CLIENT_KEY)
                .trustedCa(SERVER_CA);
    }

    public static KeylessClient newClient() {
        try {
            return client().build();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static LoadedKey rsaKey() {
        return TestKeys.load(RSA_KEY);
    }

    public static LoadedKey ecKey() {
        return TestKeys.load(EC_KEY);
    }

    public static PublicKey rsaPublicKey() {
        return TestKeys.publicKey(RSA_KEY.toAbsolutePath());
    }

    public static PublicKey ecPublicKey() {
        return TestKeys.publicKey(EC_KEY.toAbsolutePath());
    }
}
