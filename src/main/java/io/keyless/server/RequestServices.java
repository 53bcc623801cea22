package io.keyless.server;

import io.keyless.crypto.KeyOperations;
import io.keyless.keys.KeyIndex;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection's request handler shares: the keys being served (swapped whole on reload), the operations,
 * the worker threads and the way their answers get back, the in-flight count, the access log, the per-connection
 * limit of unanswered requests, and whether the server is stopping.
 */
record RequestServices(AtomicReference<KeyIndex> keys, KeyOperations operations, WorkerPool workers,
                       CompletionDelivery delivery, InFlightRequests inFlight, AccessLog accessLog, int maxPending,
                       AtomicBoolean stopping) {
}
