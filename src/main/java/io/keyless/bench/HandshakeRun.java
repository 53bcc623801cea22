package io.keyless.bench;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.tools.Json;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * New connections as fast as they go: connect, complete a mutual TLS 1.2 handshake, close. What a server pays per
 * handshake matters when edges reconnect at once, after a deploy or a network blip.
 */
final class HandshakeRun {
    private final Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LoadSettings settings;
    private double seconds;
    private Double cpuSeconds;

    private HandshakeRun(LoadSettings settings) {
        this.settings = settings;
    }

    /** Runs {@code settings.connections()} clients in parallel, each connecting and closing in a loop. */
    static HandshakeRun run(KeylessClient client, LoadSettings settings, ProcessCpu serverCpu)
            throws InterruptedException, IOException {
        HandshakeRun run = new HandshakeRun(settings);
        long start = System.nanoTime();
        long measureFrom = start + (long) (settings.warmupSeconds() * 1e9);
        long measureUntil = measureFrom + (long) (settings.durationSeconds() * 1e9);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < settings.connections(); i++) {
            Thread thread = new Thread(() -> run.loop(client, measureFrom, measureUntil), "bench-handshakes-" + i);
            thread.start();
            clients.add(thread);
        }
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        double cpuBefore = serverCpu == null ? 0 : serverCpu.seconds();
        Thread.sleep(Math.max(0, (measureUntil - System.nanoTime()) / 1_000_000));
        run.cpuSeconds = serverCpu == null ? null : serverCpu.seconds() - cpuBefore;
        run.seconds = (measureUntil - measureFrom) / 1e9;
        for (Thread thread : clients) {
            thread.join();
        }
        return run;
    }

    private void loop(KeylessClient client, long measureFrom, long measureUntil) {
        long started;
        while ((started = System.nanoTime()) < measureUntil) {
            boolean counted = started >= measureFrom;
            try (KeylessConnection connection = client.connect(settings.server(), settings.port())) {
                if (counted) {
                    long micros = (System.nanoTime() - started) / 1000;
                    latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                    completed.increment();
                }
            } catch (IOException e) {
                if (counted) {
                    failed.increment();
                }
            }
        }
    }

    double perSecond() {
        return completed.sum() / seconds;
    }

    /** The server's CPU time per handshake in microseconds, or {@code null} if it was not read. */
    Double cpuMicrosPerHandshake() {
        return cpuSeconds == null || completed.sum() == 0 ? null : cpuSeconds * 1e6 / completed.sum();
    }

    boolean clean() {
        return failed.sum() == 0;
    }

    String text() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%-11s %s%n", "workload",
                "handshakes (connect, mutual TLS 1.2 handshake, close)"));
        text.append(String.format(Locale.ROOT, "%-11s %d clients in parallel%n", "load", settings.connections()));
        text.append(String.format(Locale.ROOT, "%-11s %.1f s%n", "measured", seconds));
        text.append(String.format(Locale.ROOT, "%-11s %,d (%,d failed)%n", "handshakes", completed.sum(),
                failed.sum()));
        text.append(String.format(Locale.ROOT, "%-11s %,.0f handshakes/s%n", "throughput", perSecond()));
        text.append(String.format(Locale.ROOT, "%-11s p50 %.2f ms  p99 %.2f ms  max %.2f ms%n", "latency",
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getMaxValue() / 1000.0));
        if (cpuMicrosPerHandshake() != null) {
            text.append(String.format(Locale.ROOT, "%-11s %.0f us/handshake%n", "server cpu",
                    cpuMicrosPerHandshake()));
        }
        return text.toString().stripTrailing();
    }

    String json() {
        Map<String, Object> document = new LinkedHashMap<>(settings.toMap());
        document.put("workload", "handshakes");
        document.put("measured_s", seconds);
        document.put("handshakes", completed.sum());
        document.put("failed", failed.sum());
        document.put("handshakes_per_second", perSecond());
        Map<String, Object> latencies = new LinkedHashMap<>();
        latencies.put("p50", latency.getValueAtPercentile(50) / 1000.0);
        latencies.put("p99", latency.getValueAtPercentile(99) / 1000.0);
        latencies.put("max", latency.getMaxValue() / 1000.0);
        document.put("latency_ms", latencies);
        document.put("server_cpu_us_per_handshake", cpuMicrosPerHandshake());
        return Json.write(document);
    }
}
