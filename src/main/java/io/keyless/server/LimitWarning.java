package io.keyless.server;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the operator that a limit was hit: the first time at once, then at most once per interval with how many
 * times it was hit since the last line. A flood that hits a limit a million times a second must not also flood the
 * log, nor make every refused request pay for a log line.
 *
 * <p>Thread-safe.
 */
final class LimitWarning {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final Level level;
    private final String message;
    private final long intervalNanos;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong nextReport;

    /**
     * @param message the line to write, without the count; for instance {@code "limit hit max_connections=100"}
     */
    LimitWarning(Logger log, Level level, String message, Duration interval) {
        this.log = log;
        this.level = level;
        this.message = message;
        this.intervalNanos = interval.toNanos();
        this.nextReport = new AtomicLong(System.nanoTime());
    }

    LimitWarning(Logger log, Level level, String message) {
        this(log, level, message, DEFAULT_INTERVAL);
    }

    /** Counts one hit and writes the line if it is due. */
    void hit() {
        hits.incrementAndGet();
        long now = System.nanoTime();
        long due = nextReport.get();
        if (now - due >= 0 && nextReport.compareAndSet(due, now + intervalNanos)) {
            log.atLevel(level).log("{} times={}", message, hits.getAndSet(0));
        }
    }
}
