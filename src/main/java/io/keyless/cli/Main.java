package io.keyless.cli;

/** Entry point of {@code java -jar keyless.jar}: the key server. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CommandLines.execute("keyless", new KeylessCommand(), args));
    }
}
