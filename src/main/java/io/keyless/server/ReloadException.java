package io.keyless.server;

import java.util.List;

/** A reload found files it cannot use; the server goes on with what it had. */
public final class ReloadException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    ReloadException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per unusable file, naming it and the reason. */
    public List<String> problems() {
        return problems;
    }
}
