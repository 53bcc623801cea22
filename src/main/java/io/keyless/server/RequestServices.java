package io.keyless.server;

import io.keyless.crypto.KeyOperations;
import io.keyless.keys.KeyIndex;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection's request handler shares: the keys being served (swapped whole on reload), the operations,
 * the worker threads and the way their answers get back, the in-flight count, the access log, the metrics, the
 * per-connection limit of unanswered requests and the warning that it was reached, and whether the server is
 * stopping.
 */
record RequestServices(AtomicReference<KeyIndex> keys, KeyOperations operations, WorkerPool workers,
                       CompletionDelivery delivery, InFlightRequests inFlight, AccessLog accessLog,
                       ServerMetrics metrics, int maxPending, LimitWarning pendingLimitHit, AtomicBoolean stopping) {
    private static final Logger log = LoggerFactory.getLogger(RequestServices.class);

    RequestServices(AtomicReference<KeyIndex> keys, KeyOperations operations, WorkerPool workers,
                    CompletionDelivery delivery, InFlightRequests inFlight, AccessLog accessLog,
                    ServerMetrics metrics, int maxPending, AtomicBoolean stopping) {
        this(keys, operations, workers, delivery, inFlight, accessLog, metrics, maxPending,
                new LimitWarning(log, Level.INFO,
                        "limit hit: a connection has max_pending=" + maxPending + " requests unanswered, reading "
                                + "from it paused until half are answered"),
                stopping);
    }
}
