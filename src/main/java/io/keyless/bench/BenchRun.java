package io.keyless.bench;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One load run: connect, warm up, measure, drain, report. Used by the load tool's command line and by the
 * performance report.
 */
final class BenchRun {
    private BenchRun() {
    }

    /**
     * Loads the server as {@code settings} say with {@code workloads}.
     *
     * @param serverCpu the server process's CPU clock, or {@code null} when it is not on this machine
     * @param ticker where a progress line goes every second, or {@code null}
     * @throws IOException when a connection cannot be opened
     */
    static Report run(KeylessClient client, LoadSettings settings, List<Workload> workloads, ProcessCpu serverCpu,
                      PrintWriter ticker) throws IOException, InterruptedException {
        List<KeylessConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < settings.connections(); i++) {
                open.add(client.connect(settings.server(), settings.port()));
            }
            return load(open, settings, workloads, serverCpu, ticker);
        } finally {
            open.forEach(KeylessConnection::close);
        }
    }

    private static Report load(List<KeylessConnection> open, LoadSettings settings, List<Workload> workloads,
                               ProcessCpu serverCpu, PrintWriter ticker) throws IOException, InterruptedException {
        Stats stats = new Stats();
        LoadGenerator generator = new LoadGenerator(open, workloads, stats);
        long start = System.nanoTime();
        long measureFrom = start + nanos(settings.warmupSeconds());
        long measureUntil = measureFrom + nanos(settings.durationSeconds());

        if (settings.rate() == null) {
            generator.startClosedLoop(settings.depth());
        } else {
            generator.startOpenLoop(settings.rate(), measureUntil);
        }

        Ticker progress = new Ticker(ticker, stats);
        progress.until(measureFrom, "warm-up");
        stats.startWindow(System.nanoTime());
        double cpuBefore = serverCpu == null ? 0 : serverCpu.seconds();
        long windowStart = System.nanoTime();
        progress.until(measureUntil, "measuring");
        stats.endWindow(System.nanoTime());
        Double cpuSeconds = serverCpu == null ? null : serverCpu.seconds() - cpuBefore;
        double window = (System.nanoTime() - windowStart) / 1e9;

        generator.stop();
        long unanswered = generator.awaitAnswers(30_000);
        progress.finish();
        stats.interval();
        return new Report(settings, workloads, stats, window, cpuSeconds, unanswered);
    }

    private static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    /** Prints one line a second, overwriting itself, while the load runs. */
    private static final class Ticker {
        private final PrintWriter out;
        private final Stats stats;
        private long lastTick = System.nanoTime();

        Ticker(PrintWriter out, Stats stats) {
            this.out = out;
            this.stats = stats;
        }

        void until(long deadline, String phase) throws InterruptedException {
            long now;
            while ((now = System.nanoTime()) < deadline) {
                Thread.sleep(Math.max(1, Math.min(1000, (deadline - now) / 1_000_000)));
                if (System.nanoTime() - lastTick >= 1_000_000_000L) {
                    tick(phase);
                }
            }
        }

        private void tick(String phase) {
            long now = System.nanoTime();
            Histogram interval = stats.interval();
            if (out != null) {
                double perSecond = interval.getTotalCount() / ((now - lastTick) / 1e9);
                out.printf("\r%-9s %,9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %d   ", phase, perSecond,
                        interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                        stats.errorCount() + stats.failures());
                out.flush();
            }
            lastTick = now;
        }

        void finish() {
            if (out != null) {
                out.print("\r" + " ".repeat(80) + "\r");
                out.flush();
            }
        }
    }
}
