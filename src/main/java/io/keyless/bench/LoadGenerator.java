package io.keyless.bench;

import io.keyless.client.KeylessConnection;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the requests: either a fixed number in flight on every connection (closed loop: the server's pace sets
 * the rate), or at a fixed rate whatever the server does (open loop: a late answer is timed from when the request
 * was due, so a slow server cannot hide its queueing by slowing the client down).
 */
final class LoadGenerator {
    private final List<KeylessConnection> connections;
    private final List<Workload> mix;
    private final int[] cumulativeWeights;
    private final Stats stats;
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean running = true;

    LoadGenerator(List<KeylessConnection> connections, List<Workload> mix, Stats stats) {
        this.connections = connections;
        this.mix = mix;
        this.stats = stats;
        this.cumulativeWeights = new int[mix.size()];
        int sum = 0;
        for (int i = 0; i < mix.size(); i++) {
            sum += mix.get(i).weight();
            cumulativeWeights[i] = sum;
        }
    }

    /** Closed loop: puts {@code depth} requests in flight on each connection; each answer sends the next. */
    void startClosedLoop(int depth) {
        for (KeylessConnection connection : connections) {
            for (int i = 0; i < depth; i++) {
                sendClosed(connection);
            }
        }
    }

    private void sendClosed(KeylessConnection connection) {
        if (!running || !connection.isOpen()) {
            return;
        }
        long sent = System.nanoTime();
        outstanding.incrementAndGet();
        connection.send(pick().request(connection.nextId())).whenComplete((response, failure) -> {
            outstanding.decrementAndGet();
            if (failure != null) {
                stats.failed(sent);
                return;
            }
            stats.answered(response, sent, System.nanoTime());
            sendClosed(connection);
        });
    }

    /**
     * Open loop: sends {@code rate} requests per second, spread over the connections in turn, on this thread until
     * {@code untilNanos} or {@link #stop()}.
     */
    void runOpenLoop(double rate, long untilNanos) {
        double interval = 1e9 / rate;
        long start = System.nanoTime();
        for (long n = 0; running; n++) {
            long due = start + (long) (n * interval);
            if (due >= untilNanos) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            KeylessConnection connection = connections.get((int) (n % connections.size()));
            if (!connection.isOpen()) {
                stats.failed(due);
                continue;
            }
            outstanding.incrementAndGet();
            connection.send(pick().request(connection.nextId())).whenComplete((response, failure) -> {
                outstanding.decrementAndGet();
                if (failure != null) {
                    stats.failed(due);
                } else {
                    stats.answered(response, due, System.nanoTime());
                }
            });
        }
    }

    /** Sends no more requests; those in flight still complete. */
    void stop() {
        running = false;
    }

    /** Waits up to {@code millis} for every request in flight to be answered; returns how many are left. */
    long awaitAnswers(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (outstanding.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        return outstanding.get();
    }

    private Workload pick() {
        if (mix.size() == 1) {
            return mix.get(0);
        }
        int draw = ThreadLocalRandom.current().nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (draw < cumulativeWeights[i]) {
                return mix.get(i);
            }
        }
        throw new IllegalStateException("weights do not cover " + draw);
    }
}
