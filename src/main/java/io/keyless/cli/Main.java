package io.keyless.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.util.Map;

/** Entry point of {@code java -jar keyless.jar}: the key server. */
public final class Main {
    private static final String NAME = "keyless";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), args));
    }

    /** Runs the key server's command line, its flags also taken from {@code environment} and a config file. */
    static int run(Map<String, String> environment, String... args) {
        CommandLine commandLine = CommandLines.create(NAME, new KeylessCommand());
        try {
            OptionSources.install(commandLine, environment, args);
        } catch (ParameterException e) {
            return CommandLines.usageError(NAME, e);
        }
        return CommandLines.execute(commandLine, args);
    }
}
