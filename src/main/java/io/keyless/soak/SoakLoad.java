package io.keyless.soak;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessResponse;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak's traffic: a number of lanes, each one connection at a time, pipelining requests from the {@link
 * RequestMix} for a random number of requests per connection, then either closing cleanly once every answer is in,
 * or cutting the connection off in the middle of a request with answers still owed, and connecting again.
 *
 * <p>Every request sent on a connection that is closed cleanly must be answered exactly once, with its id and the
 * right answer; requests still owed when a lane cuts its connection off are counted as abandoned, not lost.
 */
final class SoakLoad {
    /** Share of connections ended abruptly, in the middle of a request, with answers still owed. */
    private static final int ABORT_ONE_IN = 4;
    private static final int MIN_REQUESTS_PER_CONNECTION = 20;
    private static final int MAX_REQUESTS_PER_CONNECTION = 600;

    private final KeylessClient client;
    private final String host;
    private final int port;
    private final int depth;
    private final RequestMix mix;
    private final SoakTally tally;
    private final AtomicBoolean reloadDone;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger activeLanes = new AtomicInteger();
    private final ExecutorService connector;

    SoakLoad(KeylessClient client, String host, int port, int depth, RequestMix mix, SoakTally tally,
             AtomicBoolean reloadDone) {
        this.client = client;
        this.host = host;
        this.port = port;
        this.depth = depth;
        this.mix = mix;
        this.tally = tally;
        this.reloadDone = reloadDone;
        // Connecting blocks until the handshake is done: never on a client event loop.
        this.connector = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "soak-connect");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts {@code lanes} lanes, each on its own connection. */
    void start(int lanes) {
        for (int i = 0; i < lanes; i++) {
            activeLanes.incrementAndGet();
            // Each lane its own sequence, the same from run to run.
            SplittableRandom random = new SplittableRandom(0x5EED_0000L + i);
            connector.execute(() -> connect(random));
        }
    }

    /**
     * Stops sending, waits up to {@code limit} seconds for every lane to collect the answers it is owed and close,
     * and returns how many lanes had not finished.
     */
    int stop(long limitSeconds) throws InterruptedException {
        stopping.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        while (activeLanes.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        connector.shutdown();
        connector.awaitTermination(10, TimeUnit.SECONDS);
        return activeLanes.get();
    }

    private void connect(SplittableRandom random) {
        if (stopping.get()) {
            activeLanes.decrementAndGet();
            return;
        }
        KeylessConnection connection;
        try {
            connection = client.connect(host, port);
        } catch (IOException e) {
            tally.connectFailed(e);
            activeLanes.decrementAndGet();
            return;
        }
        tally.connected();
        int quota = MIN_REQUESTS_PER_CONNECTION
                + random.nextInt(MAX_REQUESTS_PER_CONNECTION - MIN_REQUESTS_PER_CONNECTION);
        Lane lane = new Lane(connection, random, quota, random.nextInt(ABORT_ONE_IN) == 0);
        connection.eventLoop().execute(lane::fill);
    }

    /** One connection's life: its requests, the answers it is owed, and how it ends. */
    private final class Lane {
        private final KeylessConnection connection;
        private final SplittableRandom random;
        private final int quota;
        private final boolean abort;
        private final ConcurrentMap<Integer, RequestMix.Planned> owed = new ConcurrentHashMap<>();
        private int sent;
        private boolean ended;

        Lane(KeylessConnection connection, SplittableRandom random, int quota, boolean abort) {
            this.connection = connection;
            this.random = random;
            this.quota = quota;
            this.abort = abort;
        }

        /** Keeps {@code depth} requests in flight until the quota is sent. Runs on the connection's event loop. */
        void fill() {
            while (!ended && owed.size() < depth && sent < quota && !stopping.get()) {
                send();
            }
            if (ended) {
                return;
            }
            boolean done = sent >= quota || stopping.get();
            if (done && abort && !stopping.get()) {
                cutOff();
            } else if (done && owed.isEmpty()) {
                ended = true;
                tally.closedCleanly(connection.unmatchedResponses());
                connector.execute(this::closeAndReconnect);
            }
        }

        private void send() {
            RequestMix.Planned planned = mix.next(random, connection.nextId(), reloadDone.get());
            owed.put(planned.id(), planned);
            sent++;
            tally.sent();
            (planned.raw() != null ? connection.sendRaw(planned.id(), planned.raw())
                    : connection.send(planned.request()))
                    .whenComplete((response, failure) -> answered(planned, response, failure));
        }

        private void answered(RequestMix.Planned planned, KeylessResponse response, Throwable failure) {
            if (ended) {
                // Cut off by this lane: whatever comes now was abandoned on purpose.
                return;
            }
            if (failure != null) {
                ended = true;
                tally.unexpectedDisconnect(failure, owed.size());
                connector.execute(this::closeAndReconnect);
                return;
            }
            if (owed.remove(planned.id()) == null) {
                tally.wrong("answered twice: id " + planned.id());
            } else {
                tally.answered(planned.kind(), RequestMix.outcome(response), mix.check(planned, response));
            }
            fill();
        }

        /** Sends the first half of a request and closes with answers still owed: a client that dies mid-write. */
        private void cutOff() {
            ended = true;
            tally.cutOff(owed.size());
            byte[] half = {1, 0, 0, 40, 0, 0, 0, 9, 0x11, 0, 1};
            connection.sendRawUnanswered(half).addListener(written -> connector.execute(this::closeAndReconnect));
        }

        private void closeAndReconnect() {
            connection.close();
            connect(random);
        }
    }
}
