package io.keyless.cli;

import java.nio.file.Path;

/** A config file that cannot be read or has a line that does not parse; the message names the file and line. */
final class ConfigFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    /** The file could not be read at all. */
    ConfigFileException(Path file, String reason) {
        super(file + ": " + reason);
        this.line = 0;
    }

    /** The line numbered {@code line}, counting from 1, is wrong. */
    ConfigFileException(Path file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.line = line;
    }

    /** The number of the wrong line, or 0 when the file could not be read. */
    int line() {
        return line;
    }
}
