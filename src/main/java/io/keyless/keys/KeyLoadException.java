package io.keyless.keys;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A key directory that cannot be served: every bad file with its reason, or the directory's own problem.
 */
public final class KeyLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<KeyFileException> problems;

    public KeyLoadException(List<KeyFileException> problems) {
        super(problems.stream().map(Throwable::getMessage).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /** One entry per file that failed, in file name order. */
    public List<KeyFileException> problems() {
        return problems;
    }
}
