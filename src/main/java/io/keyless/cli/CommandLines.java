package io.keyless.cli;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;

/** What every command of the jar shares: usage errors in one line with exit status 2, and the version. */
public final class CommandLines {
    private CommandLines() {
    }

    /** Runs {@code command} on {@code args} and returns its exit status. */
    public static int execute(String name, Object command, String... args) {
        return execute(create(name, command), args);
    }

    /** Runs {@code commandLine}, made by {@link #create}, on {@code args} and returns its exit status. */
    static int execute(CommandLine commandLine, String... args) {
        // Netty samples buffers for leaks by default, capturing a stack trace for each: measurable on every request.
        // The tests run with the detector at its strictest; an operator can still turn it on with the property.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        return commandLine.execute(args);
    }

    static CommandLine create(String name, Object command) {
        CommandLine commandLine = new CommandLine(command);
        commandLine.setParameterExceptionHandler((e, args) -> usageError(name, e));
        return commandLine;
    }

    /** Reports a usage error of command {@code name}: what is wrong on one line, then where help is; returns 2. */
    static int usageError(String name, ParameterException e) {
        CommandLine failed = e.getCommandLine();
        failed.getErr().println(name + ": " + e.getMessage());
        failed.getErr().println("Try '" + name + " --help' for the options.");
        failed.getErr().flush();
        return failed.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest, which Maven writes from the POM. */
    public static final class Version implements IVersionProvider {
        static String version() {
            String version = Version.class.getPackage().getImplementationVersion();
            return version == null ? "(development build)" : version;
        }

        @Override
        public String[] getVersion() {
            return new String[] {
                "keyless " + version(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
