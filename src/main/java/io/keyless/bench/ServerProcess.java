package io.keyless.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A key server started from its jar for the performance report, with what its start-up cost. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final long startupMillis;

    private ServerProcess(Process process, Path log, long startupMillis) {
        this.process = process;
        this.log = log;
        this.startupMillis = startupMillis;
    }

    /**
     * Starts {@code java jvmOptions -jar jar args --pid-file ...} and waits until the pid file appears, which the
     * server writes once it listens.
     */
    static ServerProcess start(Path jar, List<String> jvmOptions, List<String> args, Path scratch)
            throws IOException, InterruptedException {
        Path pidFile = scratch.resolve("keyless-" + System.nanoTime() + ".pid");
        Path log = scratch.resolve("keyless-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        command.addAll(List.of("--pid-file", pidFile.toString()));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        while (!Files.exists(pidFile)) {
            if (!process.isAlive()) {
                throw new IOException("the server exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(2);
        }
        return new ServerProcess(process, log, (System.nanoTime() - start) / 1_000_000);
    }

    long pid() {
        return process.pid();
    }

    /** From starting the JVM to the pid file: loading keys, building TLS, binding. */
    long startupMillis() {
        return startupMillis;
    }

    /** Resident memory now, in MiB, from {@code /proc/PID/status}. */
    double residentMebibytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for process " + pid());
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Stops the server with SIGTERM, as an operator would, and waits for it. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
