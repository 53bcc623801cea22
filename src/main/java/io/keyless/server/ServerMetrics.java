package io.keyless.server;

import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the server counts and measures, in a Prometheus registry of its own: requests by opcode and result, their
 * durations per kind of operation, handshake failures by reason, refused connections, key reloads, certificate
 * expiry, and gauges read from the running server when scraped. Names and buckets of the two duration histograms
 * are gokeyless's, so that its dashboards apply. Per request, recording costs a clock read, a few array reads and
 * atomic adds (about 0.15 µs of CPU, measured on pings), so it is done only when the metrics are served; the
 * label lookups are done once per label combination and kept. Per-connection events are always counted.
 */
public final class ServerMetrics {
    /** 100 µs doubling fifteen times, to 1.6 s: the buckets gokeyless uses. */
    private static final double FIRST_BUCKET_SECONDS = 100e-6;
    private static final int BUCKETS = 15;

    private static final String UNKNOWN_OPCODE = "UNKNOWN";
    private static final String UNKNOWN_TYPE = "unknown";
    private static final String OK = "OK";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final boolean perRequest;
    private final Counter requests;
    private final Histogram totalDuration;
    private final Histogram execDuration;
    private final Counter handshakeFailures;
    private final Counter connectionsRefused;
    private final Counter reloads;
    private final Gauge certificateExpiry;
    // The label sets published last, guarded by this; start-up and reloads replace them.
    private Set<List<String>> expiryLabels = Set.of();

    // Indexed [opcode ordinal, or the last for a request without one][0 for OK, else error ordinal + 1]; filled on
    // first use. Two threads filling one slot at once store the same data point.
    private final CounterDataPoint[][] requestCounts;
    private final DistributionDataPoint[][] totalDurations;
    private final DistributionDataPoint[][] execDurations;
    private final CounterDataPoint[] failuresByReason;

    /**
     * @param perRequest whether to count and time every request, which is worth its cost only when someone reads
     *                   the figures
     */
    public ServerMetrics(boolean perRequest) {
        this.perRequest = perRequest;
        requests = Counter.builder()
                .name("keyless_requests")
                .help("Requests answered, by opcode and result (OK or the error sent).")
                .labelNames("opcode", "result")
                .withoutExemplars()
                .register(registry);
        totalDuration = durationHistogram("keyless_request_total_duration_per_opcode",
                "Seconds from a request's decoding to its answer, queueing included, by kind of operation and "
                        + "result.");
        execDuration = durationHistogram("keyless_request_exec_duration_per_opcode",
                "Seconds a private-key operation took on its worker, queueing left out, by kind of operation and "
                        + "result.");
        handshakeFailures = Counter.builder()
                .name("keyless_handshake_failures")
                .help("TLS handshakes that failed, by reason; the log has each one's full reason.")
                .labelNames("reason")
                .withoutExemplars()
                .register(registry);
        connectionsRefused = Counter.builder()
                .name("keyless_connections_refused")
                .help("Connections closed as accepted because --max-connections were open.")
                .withoutExemplars()
                .register(registry);
        reloads = Counter.builder()
                .name("keyless_reloads")
                .help("Reloads (SIGHUP) of keys and certificates, by result: ok, or failed with the old ones kept.")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        certificateExpiry = Gauge.builder()
                .name("keyless_certificate_expiry_timestamp_seconds")
                .help("When a certificate the server uses expires, in seconds since the epoch: its own "
                        + "(certificate=\"server\") and each CA that client certificates must chain to "
                        + "(certificate=\"client_ca\").")
                .labelNames("certificate", "subject")
                .withoutExemplars()
                .register(registry);

        int results = KeylessError.values().length + 1;
        requestCounts = new CounterDataPoint[KeylessOpcode.values().length + 1][results];
        totalDurations = new DistributionDataPoint[KeylessOpcode.Kind.values().length + 1][results];
        execDurations = new DistributionDataPoint[KeylessOpcode.Kind.values().length + 1][results];
        failuresByReason = new CounterDataPoint[HandshakeFailure.values().length];
        for (HandshakeFailure reason : HandshakeFailure.values()) {
            // Every reason shows from the start, at 0: an alert on a rate needs the series to exist.
            failuresByReason[reason.ordinal()] = handshakeFailures.labelValues(reason.label());
        }
        for (String result : List.of("ok", "failed")) {
            reloads.labelValues(result);
        }
    }

    private Histogram durationHistogram(String name, String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("type", "error")
                .classicOnly()
                .classicExponentialUpperBounds(FIRST_BUCKET_SECONDS, 2, BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Adds what is read from the running server when scraped, and the JVM's own figures.
     */
    void watch(KeylessServer server) {
        gauge("keyless_connections_open", "Client connections open.", server::getConnections);
        gauge("keyless_requests_in_flight", "Requests received and not yet answered.", server::getInFlight);
        gauge("keyless_worker_queue_depth", "Private-key operations waiting for a worker thread.",
                server::getQueuedOperations);
        gauge("keyless_keys_loaded", "Private keys being served.", server::getKeysLoaded);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            gauge("keyless_netty_direct_memory_bytes", "Direct memory held by Netty's buffer allocator.",
                    () -> provider.metric().usedDirectMemory());
        }
        JvmMetrics.builder().register(registry);
    }

    private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .callback(callback -> callback.call(value.getAsDouble()))
                .register(registry);
    }

    /**
     * A request got its answer; {@code opcode} is {@code null} for one that could not be decoded, {@code startNanos}
     * is when it was decoded.
     */
    void answered(KeylessOpcode opcode, KeylessError error, long startNanos) {
        if (!perRequest) {
            return;
        }
        long nanos = System.nanoTime() - startNanos;
        int result = resultIndex(error);
        int op = opcode == null ? requestCounts.length - 1 : opcode.ordinal();
        CounterDataPoint count = requestCounts[op][result];
        if (count == null) {
            count = requests.labelValues(opcode == null ? UNKNOWN_OPCODE : opcode.name(), resultLabel(error));
            requestCounts[op][result] = count;
        }
        count.inc();
        durationPoint(totalDurations, totalDuration, opcode, error).observe(nanos / 1e9);
    }

    /** Whether {@link #executed} wants to know how long operations take. */
    boolean timesOperations() {
        return perRequest;
    }

    /** A private-key operation ran on a worker for {@code nanos}. */
    void executed(KeylessOpcode opcode, KeylessError error, long nanos) {
        if (!perRequest) {
            return;
        }
        durationPoint(execDurations, execDuration, opcode, error).observe(nanos / 1e9);
    }

    void handshakeFailed(HandshakeFailure reason) {
        failuresByReason[reason.ordinal()].inc();
    }

    /** How many handshakes failed for {@code reason} so far. */
    long handshakeFailures(HandshakeFailure reason) {
        return failuresByReason[reason.ordinal()].getLongValue();
    }

    void connectionRefused() {
        connectionsRefused.inc();
    }

    void reloaded(boolean ok) {
        reloads.labelValues(ok ? "ok" : "failed").inc();
    }

    /**
     * Publishes the expiry of the certificates in use, replacing what was published before. The new series are
     * set before the old ones go, so that a scrape in between never finds none.
     */
    synchronized void certificates(X509Certificate server, List<X509Certificate> clientCas) {
        Set<List<String>> published = new HashSet<>();
        published.add(expiry("server", server));
        for (X509Certificate ca : clientCas) {
            published.add(expiry("client_ca", ca));
        }
        for (List<String> stale : expiryLabels) {
            if (!published.contains(stale)) {
                certificateExpiry.remove(stale.toArray(String[]::new));
            }
        }
        expiryLabels = published;
    }

    private List<String> expiry(String role, X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        certificateExpiry.labelValues(role, subject).set(certificate.getNotAfter().getTime() / 1000.0);
        return List.of(role, subject);
    }

    private static DistributionDataPoint durationPoint(DistributionDataPoint[][] points, Histogram histogram,
                                                       KeylessOpcode opcode, KeylessError error) {
        int type = opcode == null ? points.length - 1 : opcode.kind().ordinal();
        int result = resultIndex(error);
        DistributionDataPoint point = points[type][result];
        if (point == null) {
            String typeLabel = opcode == null ? UNKNOWN_TYPE : opcode.kind().name().toLowerCase(Locale.ROOT);
            point = histogram.labelValues(typeLabel, resultLabel(error));
            points[type][result] = point;
        }
        return point;
    }

    private static int resultIndex(KeylessError error) {
        return error == null ? 0 : error.ordinal() + 1;
    }

    private static String resultLabel(KeylessError error) {
        return error == null ? OK : error.name();
    }
}
