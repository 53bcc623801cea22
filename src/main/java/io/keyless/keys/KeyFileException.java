package io.keyless.keys;

import java.nio.file.Path;

/**
 * A key or certificate file that cannot be used, with the reason in words an operator can act on.
 */
public final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String reason;

    public KeyFileException(Path file, String reason) {
        this(file, reason, null);
    }

    public KeyFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** Why the file cannot be used, without the file name. */
    public String reason() {
        return reason;
    }
}
