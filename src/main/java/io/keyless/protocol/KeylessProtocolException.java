package io.keyless.protocol;

/**
 * A request that cannot be served, carrying the error code its response will hold.
 *
 * <p>These are answers, not faults: they are raised for every malformed request a client sends, so they carry no
 * stack trace.
 */
public final class KeylessProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final KeylessError error;

    public KeylessProtocolException(KeylessError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public KeylessError error() {
        return error;
    }
}
