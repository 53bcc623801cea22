package io.keyless.server;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests received and not yet answered, across all connections, so that a graceful stop can wait for
 * them. A request counts from the moment it is decoded until its response's write has completed or failed.
 * Also counts every request ever received.
 */
final class InFlightRequests {
    private final LongAdder count = new LongAdder();
    private final LongAdder received = new LongAdder();

    void started() {
        count.increment();
        received.increment();
    }

    /** Ends a request's count: its response was written, or will never be. */
    void ended() {
        count.decrement();
    }

    long current() {
        return count.sum();
    }

    /** Every request decoded since the server started. */
    long received() {
        return received.sum();
    }

    /** Waits until no request is in flight or the time is up; returns how many are still in flight. */
    long awaitNone(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long remaining;
        while ((remaining = count.sum()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return remaining;
    }
}
