package io.keyless.server;

import io.keyless.crypto.KeyOperations;
import io.keyless.keys.KeyIndex;

import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection's request handler shares: the keys being served (swapped whole on reload), the operations,
 * the worker threads, the in-flight count and the access log.
 */
record RequestServices(AtomicReference<KeyIndex> keys, KeyOperations operations, WorkerPool workers,
                       InFlightRequests inFlight, AccessLog accessLog) {
}
