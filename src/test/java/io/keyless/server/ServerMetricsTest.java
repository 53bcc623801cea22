package io.keyless.server;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.crypto.CryptoProviders;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.FaultInjectingProvider;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.keyless.testing.TestPki;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.keyless.server.RunningServer.await;
import static io.keyless.server.RunningServer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

/**
 * The metrics endpoint of a real server on loopback, scraped over HTTP as Prometheus does: what each request adds,
 * the gauges, certificate expiry, reloads, and when {@code /health} says the server is fit to serve.
 */
class ServerMetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(),
            0);

    @TempDir
    Path dir;

    @Test
    void countsEveryAnswerByOpcodeAndResultAndTimesItInGokeylessBuckets() throws Exception {
        LoadedKey ec = Samples.ecKey();
        try (RunningServer running = RunningServer.start(withMetrics());
             KeylessConnection connection = running.connect()) {
            for (int i = 0; i < 3; i++) {
                assertThat(answer(connection, KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(ec.ski())
                        .payload(new byte[32]))).isEqualTo(KeylessOpcode.RESPONSE);
            }
            assertThat(answer(connection, KeylessRequest.builder(KeylessOpcode.PING).payload(new byte[4])))
                    .isEqualTo(KeylessOpcode.PONG);
            assertThat(answer(connection, KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(new byte[20])
                    .payload(new byte[32]))).isEqualTo(KeylessError.KEY_NOT_FOUND);
            assertThat(answer(connection, KeylessRequest.builder((byte) 0x42))).isEqualTo(KeylessError.BAD_OPCODE);
            assertThat(answer(connection, KeylessRequest.builder(KeylessOpcode.PONG)))
                    .isEqualTo(KeylessError.UNEXPECTED_OPCODE);

            String metrics = scrape(running, "/metrics").body();

            assertThat(value(metrics, "keyless_requests_total{opcode=\"ECDSA_SIGN_SHA256\",result=\"OK\"}"))
                    .isEqualTo(3);
            assertThat(value(metrics, "keyless_requests_total{opcode=\"PING\",result=\"OK\"}")).isEqualTo(1);
            assertThat(value(metrics, "keyless_requests_total{opcode=\"RSA_SIGN_SHA256\",result=\"KEY_NOT_FOUND\"}"))
                    .isEqualTo(1);
            assertThat(value(metrics, "keyless_requests_total{opcode=\"UNKNOWN\",result=\"BAD_OPCODE\"}"))
                    .isEqualTo(1);
            // A response's opcode is no request: counted with the undecodable ones.
            assertThat(value(metrics, "keyless_requests_total{opcode=\"UNKNOWN\",result=\"UNEXPECTED_OPCODE\"}"))
                    .isEqualTo(1);
            assertThat(value(metrics, "keyless_request_total_duration_per_opcode_count{error=\"UNEXPECTED_OPCODE\","
                    + "type=\"unknown\"}")).isEqualTo(1);
            // Executed on a worker: only the three signatures. Answered: all seven.
            assertThat(value(metrics,
                    "keyless_request_exec_duration_per_opcode_count{error=\"OK\",type=\"ecdsa_sign\"}")).isEqualTo(3);
            assertThat(metrics).doesNotContain(
                    "keyless_request_exec_duration_per_opcode_count{error=\"OK\",type=\"ping\"}");
            assertThat(value(metrics,
                    "keyless_request_total_duration_per_opcode_count{error=\"OK\",type=\"ecdsa_sign\"}")).isEqualTo(3);
            assertThat(value(metrics,
                    "keyless_request_total_duration_per_opcode_count{error=\"OK\",type=\"ping\"}")).isEqualTo(1);
            assertThat(value(metrics,
                    "keyless_request_total_duration_per_opcode_count{error=\"BAD_OPCODE\",type=\"unknown\"}"))
                    .isEqualTo(1);
            assertThat(bucketBounds(metrics, "keyless_request_exec_duration_per_opcode_bucket{error=\"OK\","
                    + "type=\"ecdsa_sign\""))
                    .containsExactly(0.0001, 0.0002, 0.0004, 0.0008, 0.0016, 0.0032, 0.0064, 0.0128, 0.0256, 0.0512,
                            0.1024, 0.2048, 0.4096, 0.8192, 1.6384, Double.POSITIVE_INFINITY);

            assertThat(value(metrics, "keyless_keys_loaded")).isEqualTo(3);
            assertThat(value(metrics, "keyless_connections_open")).isEqualTo(1);
            assertThat(value(metrics, "keyless_requests_in_flight")).isZero();
            assertThat(value(metrics, "keyless_worker_queue_depth")).isZero();
            for (HandshakeFailure reason : HandshakeFailure.values()) {
                assertThat(value(metrics, "keyless_handshake_failures_total{reason=\"" + reason.label() + "\"}"))
                        .isZero();
            }
            assertThat(metrics).contains("jvm_memory_used_bytes{area=\"heap\"}",
                    "jvm_buffer_pool_used_bytes{pool=\"direct\"}", "jvm_threads_current", "process_cpu_seconds_total",
                    "keyless_netty_direct_memory_bytes");
        }
    }

    @Test
    void countsNoRequestWhenNobodyReadsTheMetricsButStillCountsConnections() throws Exception {
        try (RunningServer running = RunningServer.start(Samples.server().build());
             KeylessConnection connection = running.connect()) {
            assertThat(answer(connection, KeylessRequest.builder(KeylessOpcode.PING))).isEqualTo(KeylessOpcode.PONG);

            assertThat(running.server.metricsAddress()).isNull();
            List<String> withData = running.server.metrics().registry().scrape().stream()
                    .filter(snapshot -> !snapshot.getDataPoints().isEmpty())
                    .map(snapshot -> snapshot.getMetadata().getName()).toList();
            assertThat(withData).doesNotContain("keyless_requests", "keyless_request_total_duration_per_opcode",
                    "keyless_request_exec_duration_per_opcode").contains("keyless_handshake_failures");
        }
    }

    @Test
    void countsOperationsRunningAndQueuedAndConnectionsRefused() throws Exception {
        LoadedKey ec = Samples.ecKey();
        byte[] held = new byte[32];
        held[0] = FaultInjectingProvider.HOLD;
        try (RunningServer running = RunningServer.start(Samples.server().metricsAddress(ANY_LOOPBACK_PORT)
                .workers(1).maxConnections(1)
                .cryptoProviders(CryptoProviders.using("faulty", new FaultInjectingProvider())).build());
             KeylessConnection connection = running.connect()) {
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    responses.add(connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256)
                            .ski(ec.ski()).payload(held)));
                }
                // One operation held on the only worker, three waiting behind it.
                awaitScraped(running, "keyless_worker_queue_depth", 3);
                String metrics = scrape(running, "/metrics").body();
                assertThat(value(metrics, "keyless_requests_in_flight")).isEqualTo(4);
                assertThat(value(metrics, "keyless_worker_queue_depth")).isEqualTo(3);

                assertThatThrownBy(running::connect).as("beyond max-connections").isInstanceOf(IOException.class);
                assertThat(value(scrape(running, "/metrics").body(), "keyless_connections_refused_total"))
                        .isEqualTo(1);
            } finally {
                FaultInjectingProvider.release(responses.size());
            }
            for (CompletableFuture<KeylessResponse> response : responses) {
                assertThat(answer(response)).isEqualTo(KeylessOpcode.RESPONSE);
            }
            String metrics = scrape(running, "/metrics").body();
            assertThat(value(metrics, "keyless_requests_in_flight")).isZero();
            assertThat(value(metrics, "keyless_worker_queue_depth")).isZero();
            assertThat(value(metrics, "keyless_requests_total{opcode=\"ECDSA_SIGN_SHA256\",result=\"OK\"}"))
                    .isEqualTo(4);
        }
    }

    @Test
    void publishesWhenTheServerCertificateAndTheClientCaExpire() throws Exception {
        try (RunningServer running = RunningServer.start(withMetrics())) {
            String metrics = scrape(running, "/metrics").body();

            X509Certificate server = certificate(Samples.SERVER_CERT);
            X509Certificate ca = certificate(Samples.CLIENT_CA);
            assertThat(value(metrics, "keyless_certificate_expiry_timestamp_seconds{certificate=\"server\",subject=\""
                    + server.getSubjectX500Principal().getName() + "\"}"))
                    .isEqualTo(server.getNotAfter().getTime() / 1000.0, within(0.001));
            assertThat(value(metrics, "keyless_certificate_expiry_timestamp_seconds{certificate=\"client_ca\","
                    + "subject=\"" + ca.getSubjectX500Principal().getName() + "\"}"))
                    .isEqualTo(ca.getNotAfter().getTime() / 1000.0, within(0.001));
        }
    }

    @Test
    void replacesTheExpirySeriesOfCertificatesNoLongerInUse() throws Exception {
        X509Certificate server = certificate(Samples.SERVER_CERT);
        X509Certificate renewed = certificate(Samples.SERVER_RSA_CERT);
        X509Certificate clientCa = certificate(Samples.CLIENT_CA);
        X509Certificate retiredCa = certificate(Samples.SERVER_CA);
        ServerMetrics metrics = new ServerMetrics(false);

        metrics.certificates(server, List.of(clientCa, retiredCa));
        metrics.certificates(renewed, List.of(clientCa));

        assertThat(expiries(metrics)).containsOnly(
                entry("server " + renewed.getSubjectX500Principal().getName(),
                        renewed.getNotAfter().getTime() / 1000.0),
                entry("client_ca " + clientCa.getSubjectX500Principal().getName(),
                        clientCa.getNotAfter().getTime() / 1000.0));
    }

    @Test
    void healthIsOkWhileServingAndNotOnceStopping() throws Exception {
        try (RunningServer running = RunningServer.start(withMetrics())) {
            HttpResponse<String> serving = scrape(running, "/health");
            assertThat(serving.statusCode()).isEqualTo(200);
            assertThat(serving.body()).isEqualTo("ok\n");
            assertThat(scrape(running, "/nothing-here").statusCode()).isEqualTo(404);

            running.server.close();

            assertThat(running.server.healthProblem()).isEqualTo("stopping");
            assertThatThrownBy(() -> scrape(running, "/health")).as("endpoint closed once stopped")
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void healthAnswers503StoppingWhileAStopWaitsForARequest() throws Exception {
        byte[] held = new byte[32];
        held[0] = FaultInjectingProvider.HOLD;
        try (RunningServer running = RunningServer.start(Samples.server().metricsAddress(ANY_LOOPBACK_PORT)
                .cryptoProviders(CryptoProviders.using("faulty", new FaultInjectingProvider())).build());
             KeylessConnection connection = running.connect()) {
            CompletableFuture<KeylessResponse> response = connection.send(
                    KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(Samples.ecKey().ski()).payload(held));
            Thread stopper = new Thread(running.server::close, "stopper");
            try {
                awaitTrue(() -> running.server.getInFlight() == 1);
                stopper.start();
                awaitTrue(() -> running.server.healthProblem() != null);

                HttpResponse<String> stopping = scrape(running, "/health");
                assertThat(stopping.statusCode()).isEqualTo(503);
                assertThat(stopping.body()).isEqualTo("stopping\n");
            } finally {
                FaultInjectingProvider.release(1);
            }
            assertThat(answer(response)).as("the held request is still answered").isEqualTo(KeylessOpcode.RESPONSE);
            stopper.join(30_000);
            assertThat(stopper.isAlive()).isFalse();
        }
    }

    @Test
    void healthNamesWhyTheServerCannotServe() {
        assertThat(KeylessServer.healthProblem(false, true, 3)).isNull();
        assertThat(KeylessServer.healthProblem(false, true, 0)).isEqualTo("no keys loaded");
        assertThat(KeylessServer.healthProblem(false, false, 3)).isEqualTo("not listening");
        assertThat(KeylessServer.healthProblem(true, true, 3)).isEqualTo("stopping");
        assertThat(KeylessServer.healthProblem(true, false, 0)).as("stopping explains the rest")
                .isEqualTo("stopping");
    }

    @Test
    void countsReloadsByResult() throws Exception {
        Path keys = Files.createDirectory(dir.resolve("keys"));
        Files.copy(Samples.EC_KEY, keys.resolve("ec.key"));
        try (RunningServer running = RunningServer.start(Samples.server().keyDirectory(keys)
                .metricsAddress(ANY_LOOPBACK_PORT).build())) {
            running.server.reload();
            running.server.reload();
            Files.writeString(keys.resolve("broken.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n");
            assertThatThrownBy(running.server::reload).isInstanceOf(ReloadException.class);

            String metrics = scrape(running, "/metrics").body();
            assertThat(value(metrics, "keyless_reloads_total{result=\"ok\"}")).isEqualTo(2);
            assertThat(value(metrics, "keyless_reloads_total{result=\"failed\"}")).isEqualTo(1);
            assertThat(value(metrics, "keyless_keys_loaded")).isEqualTo(1);
        }
    }

    @Test
    void warnsOfAServerCertificateAboutToExpireAndServesItsReplacementAfterAReload() throws Exception {
        TestPki pki = TestPki.authority(dir, "servers");
        TestPki.Issued expiring = pki.issueServer("expiring", Duration.ofDays(10).plusHours(1));
        TestPki.Issued renewed = pki.issueServer("renewed", Duration.ofDays(365));
        Path cert = Files.copy(expiring.certificate(), dir.resolve("server.pem"));
        Path key = Files.copy(expiring.key(), dir.resolve("server.key"));
        // These certificates name no host: the client checks the chain only.
        KeylessClient client = KeylessClient.builder().clientCertificate(Samples.CLIENT_CERT, Samples.CLIENT_KEY)
                .trustedCa(pki.caFile()).verifyHostname(false).build();

        try (LogCapture log = LogCapture.of(KeylessServer.class);
             RunningServer running = RunningServer.start(Samples.server().serverCert(cert).serverKey(key)
                     .metricsAddress(ANY_LOOPBACK_PORT).build(), client)) {
            assertThat(log.lines()).contains("WARN server certificate subject=\"CN=expiring\" expires at "
                    + certificate(cert).getNotAfter().toInstant() + ", in 10 days");
            try (KeylessConnection before = running.connect()) {
                assertThat(serverCertificate(before).getSubjectX500Principal().getName()).isEqualTo("CN=expiring");
            }

            Files.copy(renewed.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            running.server.reload();

            try (KeylessConnection after = running.connect()) {
                assertThat(serverCertificate(after).getSubjectX500Principal().getName()).isEqualTo("CN=renewed");
                assertThat(answer(after, KeylessRequest.builder(KeylessOpcode.PING)))
                        .isEqualTo(KeylessOpcode.PONG);
            }
            String metrics = scrape(running, "/metrics").body();
            assertThat(value(metrics, "keyless_certificate_expiry_timestamp_seconds{certificate=\"server\","
                    + "subject=\"CN=renewed\"}")).isEqualTo(certificate(cert).getNotAfter().getTime() / 1000.0,
                    within(0.001));
            assertThat(metrics).doesNotContain("subject=\"CN=expiring\"");
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).hasSize(1);
        }
    }

    @Test
    void aReloadWithACertificateThatIsNotTheKeysKeepsTheOldOnes() throws Exception {
        Path cert = Files.copy(Samples.SERVER_CERT, dir.resolve("server.pem"));
        Path key = Files.copy(Samples.SERVER_KEY, dir.resolve("server.key"));
        try (LogCapture log = LogCapture.of(KeylessServer.class);
             RunningServer running = RunningServer.start(Samples.server().serverCert(cert).serverKey(key)
                     .metricsAddress(ANY_LOOPBACK_PORT).build())) {
            Files.copy(Samples.SERVER_RSA_CERT, cert, StandardCopyOption.REPLACE_EXISTING);

            assertThatThrownBy(running.server::reload).isInstanceOf(ReloadException.class)
                    .hasMessage(key + ": is not the key of the certificate in " + cert);

            try (KeylessConnection connection = running.connect()) {
                assertThat(serverCertificate(connection).getSubjectX500Principal())
                        .isEqualTo(certificate(Samples.SERVER_CERT).getSubjectX500Principal());
            }
            assertThat(log.lines()).contains("ERROR reload failed reason=\"" + key
                    + ": is not the key of the certificate in " + cert + "\"");
        }
    }

    @Test
    void aMetricsPortInUseStopsStartUpAndNamesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();

            assertThatThrownBy(() -> KeylessServer.start(Samples.server().metricsAddress(address).build()))
                    .isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot listen for metrics on 127.0.0.1:" + address.getPort() + ": ");
        }
    }

    private static ServerConfig withMetrics() {
        return Samples.server().metricsAddress(ANY_LOOPBACK_PORT).build();
    }

    /** The opcode of the answer, or the error it carries. */
    private static Object answer(KeylessConnection connection, KeylessRequest.Builder request) {
        return answer(connection.send(request));
    }

    private static Object answer(CompletableFuture<KeylessResponse> answered) {
        KeylessResponse response = await(answered);
        try {
            return response.error() != null ? response.error() : response.opcode();
        } finally {
            response.release();
        }
    }

    private static HttpResponse<String> scrape(RunningServer running, String path)
            throws IOException, InterruptedException {
        InetSocketAddress address = running.server.metricsAddress();
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The published expiry times, keyed by "certificate subject". */
    private static Map<String, Double> expiries(ServerMetrics metrics) {
        Map<String, Double> expiries = new HashMap<>();
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot instanceof GaugeSnapshot gauge
                    && gauge.getMetadata().getName().equals("keyless_certificate_expiry_timestamp_seconds")) {
                for (GaugeSnapshot.GaugeDataPointSnapshot point : gauge.getDataPoints()) {
                    expiries.put(point.getLabels().get("certificate") + " " + point.getLabels().get("subject"),
                            point.getValue());
                }
            }
        }
        return expiries;
    }

    /** Scrapes until the sample {@code series} reads {@code expected}, for at most 10 s. */
    private static void awaitScraped(RunningServer running, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        double seen;
        while ((seen = value(scrape(running, "/metrics").body(), series)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(series + " read " + seen + ", not " + expected + ", for 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** The value of the sample named exactly {@code series} (name and labels) in a text exposition. */
    private static double value(String exposition, String series) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + exposition);
    }

    /** The {@code le} bounds of a histogram's buckets for one label set, in order. */
    private static List<Double> bucketBounds(String exposition, String seriesPrefix) {
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        List<Double> bounds = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(seriesPrefix)) {
                Matcher matcher = le.matcher(line);
                assertThat(matcher.find()).as(line).isTrue();
                bounds.add(matcher.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(matcher.group(1)));
            }
        }
        return bounds;
    }

    private static X509Certificate serverCertificate(KeylessConnection connection) throws Exception {
        return (X509Certificate) connection.session().getPeerCertificates()[0];
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
