package io.keyless.bench;

import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessResponse;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the load tool observed: latencies in a histogram, answers by result. Recorded from the client's event
 * loops, read by the reporting thread.
 */
final class Stats {
    /** Latencies above a minute are recorded as a minute. */
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final LongAdder ok = new LongAdder();
    private final Map<KeylessError, LongAdder> errors = new EnumMap<>(KeylessError.class);
    private final LongAdder failures = new LongAdder();
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    Stats() {
        for (KeylessError error : KeylessError.values()) {
            errors.put(error, new LongAdder());
        }
    }

    /**
     * Records one answer to a request that was due (open loop) or sent (closed loop) at {@code dueNanos}; counted
     * only if that was inside the measured window.
     */
    void answered(KeylessResponse response, long dueNanos, long nowNanos) {
        if (!inWindow(dueNanos)) {
            return;
        }
        recorder.recordValue(Math.min((nowNanos - dueNanos) / 1000, MAX_MICROS));
        KeylessError error = response.error();
        if (response.opcode() == KeylessOpcode.ERROR) {
            errors.get(error == null ? KeylessError.INTERNAL_ERROR : error).increment();
        } else {
            ok.increment();
        }
    }

    /** Records a request due at {@code dueNanos} that got no answer: its connection failed. */
    void failed(long dueNanos) {
        if (inWindow(dueNanos)) {
            failures.increment();
        }
    }

    /** Starts the measured window: requests due from now on count, the warm-up's are forgotten. */
    void startWindow(long nowNanos) {
        recorder.reset();
        windowStart = nowNanos;
    }

    /** Ends the measured window: requests due from now on do not count, answers to earlier ones still do. */
    void endWindow(long nowNanos) {
        windowEnd = nowNanos;
    }

    private boolean inWindow(long dueNanos) {
        return dueNanos >= windowStart && dueNanos < windowEnd;
    }

    /** The latencies since the last call, added to the run's total; reporting thread only. */
    Histogram interval() {
        Histogram interval = recorder.getIntervalHistogram();
        total.add(interval);
        return interval;
    }

    /** Every latency measured; call {@link #interval()} once more first to include the last ones. */
    Histogram total() {
        return total;
    }

    long ok() {
        return ok.sum();
    }

    long failures() {
        return failures.sum();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Error responses by code, only the codes that occurred. */
    Map<String, Long> errorsByCode() {
        Map<String, Long> counts = new LinkedHashMap<>();
        errors.forEach((error, count) -> {
            if (count.sum() > 0) {
                counts.put(error.name(), count.sum());
            }
        });
        return counts;
    }
}
