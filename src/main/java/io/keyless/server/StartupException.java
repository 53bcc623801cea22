package io.keyless.server;

import java.util.List;

/**
 * A configuration the server cannot start with: one line per problem, each naming the file and the reason.
 */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public StartupException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public StartupException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
