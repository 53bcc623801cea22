package io.keyless.bench;

import io.keyless.tools.Json;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a load run measured, as text for people or JSON for scripts. */
final class Report {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    private final LoadSettings settings;
    private final List<Workload> workloads;
    private final Stats stats;
    private final double seconds;
    private final Double cpuSeconds;
    private final long unanswered;

    Report(LoadSettings settings, List<Workload> workloads, Stats stats, double seconds, Double cpuSeconds,
           long unanswered) {
        this.settings = settings;
        this.workloads = workloads;
        this.stats = stats;
        this.seconds = seconds;
        this.cpuSeconds = cpuSeconds;
        this.unanswered = unanswered;
    }

    /** Whether every request was answered, and none with an error. */
    boolean clean() {
        return stats.errorCount() == 0 && stats.failures() == 0 && unanswered == 0;
    }

    private long answered() {
        return stats.ok() + stats.errorCount();
    }

    /** Answers per second during the measured window. */
    double perSecond() {
        return answered() / seconds;
    }

    /** The server's CPU time per answer, in microseconds, or {@code null} if the server's CPU was not read. */
    Double cpuMicrosPerOperation() {
        return cpuSeconds == null || answered() == 0 ? null : cpuSeconds * 1e6 / answered();
    }

    /** A latency percentile, in milliseconds. */
    double latencyMillis(double percentile) {
        return stats.total().getValueAtPercentile(percentile) / 1000.0;
    }

    String text() {
        Histogram latency = stats.total();
        StringBuilder text = new StringBuilder();
        line(text, "workload", describeWorkloads());
        line(text, "load", settings.describe());
        line(text, "measured", String.format(Locale.ROOT, "%.1f s", seconds));
        line(text, "answered", String.format(Locale.ROOT, "%,d (%,d ok, %,d errors)", answered(), stats.ok(),
                stats.errorCount()));
        line(text, "throughput", String.format(Locale.ROOT, "%,.0f ops/s", perSecond()));
        StringBuilder percentiles = new StringBuilder();
        for (double percentile : PERCENTILES) {
            percentiles.append(String.format(Locale.ROOT, "p%s %.2f ms  ", trim(percentile),
                    latency.getValueAtPercentile(percentile) / 1000.0));
        }
        percentiles.append(String.format(Locale.ROOT, "max %.2f ms", latency.getMaxValue() / 1000.0));
        line(text, "latency", percentiles.toString());
        if (cpuMicrosPerOperation() != null) {
            line(text, "server cpu", String.format(Locale.ROOT, "%.0f us/op (%.2f s over %.1f s)",
                    cpuMicrosPerOperation(), cpuSeconds, seconds));
        }
        if (stats.errorCount() > 0) {
            line(text, "errors", stats.errorsByCode().toString().replaceAll("[{}]", ""));
        }
        if (stats.failures() > 0 || unanswered > 0) {
            line(text, "lost", String.format(Locale.ROOT, "%,d failed with their connection, %,d unanswered",
                    stats.failures(), unanswered));
        }
        return text.toString().stripTrailing();
    }

    String json() {
        Histogram latency = stats.total();
        Map<String, Object> latencies = new LinkedHashMap<>();
        for (double percentile : PERCENTILES) {
            latencies.put("p" + trim(percentile).replace(".", ""), latency.getValueAtPercentile(percentile) / 1000.0);
        }
        latencies.put("max", latency.getMaxValue() / 1000.0);
        List<Object> mix = new ArrayList<>();
        for (Workload workload : workloads) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", workload.name());
            item.put("opcode", workload.opcode().name());
            item.put("share_percent", Workload.share(workload, workloads));
            mix.add(item);
        }
        Map<String, Object> document = new LinkedHashMap<>(settings.toMap());
        document.put("workloads", mix);
        document.put("measured_s", seconds);
        document.put("answered", answered());
        document.put("ok", stats.ok());
        document.put("errors", stats.errorsByCode());
        document.put("failed", stats.failures());
        document.put("unanswered", unanswered);
        document.put("ops_per_second", perSecond());
        document.put("latency_ms", latencies);
        document.put("server_cpu_us_per_op", cpuMicrosPerOperation());
        return Json.write(document);
    }

    private String describeWorkloads() {
        List<String> parts = new ArrayList<>();
        for (Workload workload : workloads) {
            parts.add(workloads.size() == 1 ? workload.name() + " (" + workload.opcode() + ")"
                    : String.format(Locale.ROOT, "%s %.0f%%", workload.name(), Workload.share(workload, workloads)));
        }
        return String.join(", ", parts);
    }

    private static void line(StringBuilder text, String label, String value) {
        text.append(String.format(Locale.ROOT, "%-11s %s%n", label, value));
    }

    private static String trim(double percentile) {
        return percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile);
    }
}
