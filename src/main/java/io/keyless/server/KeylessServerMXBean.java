package io.keyless.server;

/**
 * What a running key server shows over JMX ({@code io.keyless:type=KeylessServer,port=PORT}), for jconsole, an
 * attached tool such as {@code scripts/soak}, or a JMX exporter.
 */
public interface KeylessServerMXBean {
    /** Connections open now, the TLS handshake done or not. */
    int getConnections();

    /** Requests received and not yet answered. */
    long getInFlight();

    /** Requests received since start, answered or not. */
    long getRequestsReceived();

    /** Private-key operations waiting for a worker thread. */
    int getQueuedOperations();

    /** Keys being served. */
    int getKeysLoaded();
}
