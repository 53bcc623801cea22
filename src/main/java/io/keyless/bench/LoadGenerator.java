package io.keyless.bench;

import io.keyless.client.KeylessConnection;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
     * Open loop: sends {@code rate} requests per second in all, spread evenly over the connections, until
     * {@code untilNanos} or {@link #stop()}. Each connection's requests are paced by timers on its own event loop,
     * so that sending costs no hand-over between threads.
     */
    void startOpenLoop(double rate, long untilNanos) {
        double interval = 1e9 * connections.size() / rate;
        long start = System.nanoTime();
        for (int i = 0; i < connections.size(); i++) {
            long first = start + (long) (i * interval / connections.size());
            KeylessConnection connection = connections.get(i);
            connection.eventLoop().execute(new Pacer(connection, first, interval, untilNanos));
        }
    }

    /** Sends one connection's requests when they are due, on the connection's event loop. */
    private final class Pacer implements Runnable {
        private final KeylessConnection connection;
        private final long first;
        private final double interval;
        private final long until;
        private long sent;

        Pacer(KeylessConnection connection, long first, double interval, long until) {
            this.connection = connection;
            this.first = first;
            this.interval = interval;
            this.until = until;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            while (running) {
                long due = first + (long) (sent * interval);
                if (due >= until) {
                    return;
                }
                if (due > now) {
                    connection.eventLoop().schedule(this, due - now, TimeUnit.NANOSECONDS);
                    return;
                }
                sent++;
                send(due);
            }
        }

        private void send(long due) {
            if (!connection.isOpen()) {
                stats.failed(due);
                return;
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
