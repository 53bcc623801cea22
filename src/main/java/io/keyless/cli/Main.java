package io.keyless.cli;

import picocli.CommandLine;

/** Entry point of {@code java -jar keyless.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with its usage-error handling: one line saying what is wrong, exit status 2. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KeylessCommand());
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("keyless: " + e.getMessage());
            failed.getErr().println("Try 'keyless --help' for the options.");
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return commandLine;
    }
}
