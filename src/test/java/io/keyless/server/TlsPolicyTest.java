package io.keyless.server;

import ch.qos.logback.classic.Level;
import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.server.ServerConfig.TlsImplementation;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.keyless.testing.Signatures;
import io.keyless.testing.TestPki;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static io.keyless.server.RunningServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The server's TLS policy over real sockets, with both TLS implementations: only a TLS 1.2 client presenting a
 * current clientAuth certificate from the configured CA gets in. Every other client is refused and logged at INFO,
 * while a connection of a good client, busy signing at the time, goes on undisturbed.
 */
class TlsPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT_HANDSHAKE = Duration.ofMillis(500);
    private static final String UNSUPPORTED_PROTOCOL =
            "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL";

    @TempDir
    static Path dir;

    private static TestPki trusted;
    private static TestPki stranger;
    private static LoadedKey ec;
    private static PublicKey ecPublic;
    private static final Map<TlsImplementation, RunningServer> servers = new EnumMap<>(TlsImplementation.class);

    @BeforeAll
    static void start() throws Exception {
        trusted = TestPki.authority(dir, "edge");
        stranger = TestPki.authority(dir, "stranger");
        ec = Samples.ecKey();
        ecPublic = Samples.ecPublicKey();
        for (TlsImplementation tls : List.of(TlsImplementation.OPENSSL, TlsImplementation.JDK)) {
            servers.put(tls, start(server(tls).build()));
        }
    }

    @AfterAll
    static void stop() {
        servers.values().forEach(RunningServer::close);
    }

    @EachTlsImplementation
    void acceptsACurrentClientAuthCertificateFromTheTrustedCa(TlsImplementation tls) throws Exception {
        try (KeylessClient client = client(trusted.issueClient("current")).build();
             KeylessConnection connection = client.connect("127.0.0.1", servers.get(tls).port())) {
            assertSigns(connection, 4);
        }
    }

    @EachTlsImplementation
    void negotiatesTls12WithAClientOfferingTls13Too(TlsImplementation tls) throws Exception {
        try (KeylessClient client = client(trusted.issueClient("modern")).protocols("TLSv1.3", "TLSv1.2").build();
             KeylessConnection connection = client.connect("127.0.0.1", servers.get(tls).port())) {
            assertThat(connection.session().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(connection.session().getCipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_");
            assertSigns(connection, 4);
        }
    }

    @EachTlsImplementation
    void refusesAClientWithoutCertificate(TlsImplementation tls) throws Exception {
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertConnectFails(KeylessClient.builder().trustedCa(Samples.SERVER_CA), port));

        assertThat(refusal.reason()).isEqualTo(tls == TlsImplementation.OPENSSL
                ? "error:100000c0:SSL routines:OPENSSL_internal:PEER_DID_NOT_RETURN_A_CERTIFICATE"
                : "Empty client certificate chain");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.NO_CERTIFICATE);
    }

    @EachTlsImplementation
    void refusesACertificateFromAnUntrustedCa(TlsImplementation tls) throws Exception {
        TestPki.Issued certificate = stranger.issueClient("stranger");
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertConnectFails(client(certificate), port));

        assertThat(refusal.reason()).isEqualTo(
                "SunCertPathBuilderException: unable to find valid certification path to requested target");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.UNTRUSTED_CERTIFICATE);
    }

    @EachTlsImplementation
    void refusesAnExpiredClientCertificate(TlsImplementation tls) throws Exception {
        Instant now = Instant.now();
        TestPki.Issued certificate = trusted.issue("expired", now.minusSeconds(7200), now.minusSeconds(3600),
                KeyPurposeId.id_kp_clientAuth);
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertConnectFails(client(certificate), port));

        assertThat(refusal.reason()).startsWith("CertificateExpiredException: NotAfter: ");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.EXPIRED_CERTIFICATE);
    }

    @EachTlsImplementation
    void refusesAClientCertificateNotValidYet(TlsImplementation tls) throws Exception {
        Instant now = Instant.now();
        TestPki.Issued certificate = trusted.issue("future", now.plusSeconds(3600), now.plusSeconds(7200),
                KeyPurposeId.id_kp_clientAuth);
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertConnectFails(client(certificate), port));

        assertThat(refusal.reason()).startsWith("CertificateNotYetValidException: NotBefore: ");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.NOT_YET_VALID_CERTIFICATE);
    }

    @EachTlsImplementation
    void refusesAClientCertificateWithoutTheClientAuthUsage(TlsImplementation tls) throws Exception {
        Instant now = Instant.now();
        TestPki.Issued certificate = trusted.issue("server-only", now.minusSeconds(3600), now.plusSeconds(86400),
                KeyPurposeId.id_kp_serverAuth);
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertConnectFails(client(certificate), port));

        assertThat(refusal.reason()).isEqualTo(
                "ValidatorException: Extended key usage does not permit use for TLS client authentication");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.CERTIFICATE_USAGE);
    }

    @EachTlsImplementation
    void refusesATls10Client(TlsImplementation tls) throws Exception {
        TestPki.Issued certificate = trusted.issueClient("tls10");
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls), port -> assertConnectFails(
                client(certificate).provider(SslProvider.OPENSSL).protocols("TLSv1"), port));

        assertThat(refusal.reason()).isEqualTo(tls == TlsImplementation.OPENSSL ? UNSUPPORTED_PROTOCOL
                : "Client requested protocol TLSv1 is not enabled or supported in server context");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.PROTOCOL_VERSION);
    }

    @EachTlsImplementation
    void refusesATls11Client(TlsImplementation tls) throws Exception {
        TestPki.Issued certificate = trusted.issueClient("tls11");
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls), port -> assertConnectFails(
                client(certificate).provider(SslProvider.OPENSSL).protocols("TLSv1.1"), port));

        assertThat(refusal.reason()).isEqualTo(tls == TlsImplementation.OPENSSL ? UNSUPPORTED_PROTOCOL
                : "Client requested protocol TLSv1.1 is not enabled or supported in server context");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.PROTOCOL_VERSION);
    }

    @EachTlsImplementation
    void refusesATls13OnlyClient(TlsImplementation tls) throws Exception {
        TestPki.Issued certificate = trusted.issueClient("tls13");
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls), port -> assertConnectFails(
                client(certificate).protocols("TLSv1.3"), port));

        assertThat(refusal.reason()).isEqualTo(tls == TlsImplementation.OPENSSL ? UNSUPPORTED_PROTOCOL
                : "The client supported protocol versions [TLSv1.3] are not accepted by server preferences [TLSv1.2]");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.PROTOCOL_VERSION);
    }

    @EachTlsImplementation
    void closesAConnectionThatSendsPlaintextHttp(TlsImplementation tls) throws Exception {
        byte[] request = "GET / HTTP/1.1\r\nHost: keyless\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertClosedAfterSending(port, request));

        // Without the bytes: whatever a peer sends in plaintext stays out of the log.
        assertThat(refusal.reason()).isEqualTo("not an SSL/TLS record");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.NOT_TLS);
    }

    @EachTlsImplementation
    void closesAConnectionThatSendsAPlaintextKeylessPing(TlsImplementation tls) throws Exception {
        // | 1 | 0 | length 7 | id 1 | opcode item: 0x11, 1, ping | payload item: 0x12, empty |
        byte[] ping = {1, 0, 0, 7, 0, 0, 0, 1, 0x11, 0, 1, (byte) 0xF1, 0x12, 0, 0};
        Refusal refusal = refusedBesideABusyConnection(servers.get(tls),
                port -> assertClosedAfterSending(port, ping));

        assertThat(refusal.reason()).isEqualTo("not an SSL/TLS record");
        assertThat(refusal.counted()).isEqualTo(HandshakeFailure.NOT_TLS);
    }

    @EachTlsImplementation
    void closesAHandshakeThatStopsHalfwayWhenItTimesOut(TlsImplementation tls) throws Exception {
        try (RunningServer running = start(server(tls).handshakeTimeout(SHORT_HANDSHAKE).build())) {
            byte[] hello = clientHello(running.port());
            byte[] half = Arrays.copyOf(hello, hello.length / 2);
            Refusal refusal = refusedBesideABusyConnection(running, port -> {
                long start = System.nanoTime();
                assertClosedAfterSending(port, half);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(SHORT_HANDSHAKE);
            });

            assertThat(refusal.reason()).isEqualTo("handshake timed out after 500ms");
            assertThat(refusal.counted()).isEqualTo(HandshakeFailure.TIMEOUT);
        }
    }

    /** Runs once against a server on BoringSSL and once against one on the JDK's TLS. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest
    @EnumSource(value = TlsImplementation.class, names = {"OPENSSL", "JDK"})
    private @interface EachTlsImplementation {
    }

    @FunctionalInterface
    private interface Attempt {
        void run(int port) throws Exception;
    }

    /**
     * Makes the attempt while a good client's connection is busy signing, then checks that the server logged one
     * failed handshake at INFO and nothing at WARN or above, and that the busy connection answered every request.
     *
     * @return the reason the server logged, and the kind of failure its metrics counted it as
     */
    private static Refusal refusedBesideABusyConnection(RunningServer server, Attempt attempt) throws Exception {
        long[] before = handshakeFailures(server);
        try (KeylessConnection bystander = server.connect();
             Traffic traffic = new Traffic(bystander);
             LogCapture log = LogCapture.of("io.keyless", Level.DEBUG);
             LogCapture netty = LogCapture.of("io.netty", Level.WARN)) {
            attempt.run(server.port());

            assertThat(eventually(() -> !failures(log).isEmpty())).as("refusal logged in %s", log.lines()).isTrue();
            int answered = traffic.answered();
            assertThat(eventually(() -> traffic.answered() > answered)).as("busy connection answering").isTrue();
            traffic.finish();
            assertSigns(bystander, 16);
            assertThat(bystander.isOpen()).isTrue();
            assertThat(bystander.unmatchedResponses()).isZero();

            List<String> failures = failures(log);
            assertThat(failures).as("failures logged").hasSize(1);
            String line = failures.get(0);
            assertThat(line).startsWith("INFO connection peer=/127.0.0.1:").contains(" handshake failed reason=\"")
                    .endsWith("\"");
            assertThat(log.lines()).noneMatch(logged -> logged.startsWith("WARN") || logged.startsWith("ERROR"));
            assertThat(netty.lines()).as("logged by Netty").isEmpty();
            String reason = line.substring(line.indexOf("reason=\"") + "reason=\"".length(), line.length() - 1);

            long[] after = handshakeFailures(server);
            List<HandshakeFailure> counted = new ArrayList<>();
            for (HandshakeFailure kind : HandshakeFailure.values()) {
                for (long i = before[kind.ordinal()]; i < after[kind.ordinal()]; i++) {
                    counted.add(kind);
                }
            }
            assertThat(counted).as("handshake failures counted for \"%s\"", reason).hasSize(1);
            return new Refusal(reason, counted.get(0));
        }
    }

    /** A refused client: the reason in the log line, and the metric's kind. */
    private record Refusal(String reason, HandshakeFailure counted) {
    }

    private static long[] handshakeFailures(RunningServer server) {
        long[] counts = new long[HandshakeFailure.values().length];
        for (HandshakeFailure kind : HandshakeFailure.values()) {
            counts[kind.ordinal()] = server.server.metrics().handshakeFailures(kind);
        }
        return counts;
    }

    /**
     * What the server logged about a connection failing, leaving out I/O errors at DEBUG: a peer resetting its
     * connection, as an earlier test's client may do while this one runs, is no refusal.
     */
    private static List<String> failures(LogCapture log) {
        return log.lines().stream().filter(line -> line.contains(" handshake failed ") || line.contains(" tls error ")
                || line.startsWith("WARN") || line.startsWith("ERROR")).toList();
    }

    private static void assertConnectFails(KeylessClient.Builder builder, int port) throws IOException {
        try (KeylessClient client = builder.timeout(WAIT).build()) {
            assertThatThrownBy(() -> client.connect("127.0.0.1", port).close()).isInstanceOf(SSLException.class);
        }
    }

    /** Sends {@code bytes} on a plain socket and expects the server to close it, whatever it says first. */
    private static void assertClosedAfterSending(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                while (in.read(buffer) >= 0) {
                    // An alert may come before the close.
                }
            } catch (SocketTimeoutException e) {
                fail("the server kept the connection open for " + WAIT);
            } catch (SocketException e) {
                // A reset closes it too.
            }
        }
    }

    /** The first TLS record a JDK client sends to the server: its ClientHello. */
    private static byte[] clientHello(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static void assertSigns(KeylessConnection connection, int requests) {
        List<byte[]> messages = new ArrayList<>();
        List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            byte[] message = new byte[16];
            ThreadLocalRandom.current().nextBytes(message);
            messages.add(message);
            responses.add(connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(ec.ski())
                    .payload(Signatures.hash(KeylessOpcode.ECDSA_SIGN_SHA256.hash(), message))));
        }
        for (int i = 0; i < requests; i++) {
            KeylessResponse response = await(responses.get(i));
            assertThat(response.opcode()).isEqualTo(KeylessOpcode.RESPONSE);
            assertThat(Signatures.verifies(KeylessOpcode.ECDSA_SIGN_SHA256, ecPublic, messages.get(i),
                    ByteBufUtil.getBytes(response.payload()))).isTrue();
        }
    }

    /** Polls {@code condition} for up to {@link #WAIT}; whether it came true. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static ServerConfig.Builder server(TlsImplementation tls) {
        return Samples.server().tls(tls).caFile(trusted.caFile());
    }

    private static RunningServer start(ServerConfig config) throws Exception {
        return RunningServer.start(config, client(trusted.issueClient("bystander")).build());
    }

    private static KeylessClient.Builder client(TestPki.Issued certificate) {
        return KeylessClient.builder().clientCertificate(certificate.certificate(), certificate.key())
                .trustedCa(Samples.SERVER_CA);
    }

    /** Keeps batches of signing requests in flight on a connection, checking every answer, until finished. */
    private static final class Traffic implements AutoCloseable {
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final Future<?> loop;

        Traffic(KeylessConnection connection) throws InterruptedException {
            loop = thread.submit(() -> {
                while (!stop.get()) {
                    assertSigns(connection, 8);
                    answered.addAndGet(8);
                }
                return null;
            });
            if (!eventually(() -> answered.get() > 0)) {
                close();
                throw new AssertionError("the good client's connection answered nothing");
            }
        }

        int answered() {
            return answered.get();
        }

        /** Stops sending, and fails if any answer was missing or wrong. */
        void finish() throws Exception {
            stop.set(true);
            loop.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            stop.set(true);
            thread.shutdownNow();
        }
    }
}
