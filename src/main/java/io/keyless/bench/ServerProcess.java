package io.keyless.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A key server started from its jar by a tool (the performance report, the soak), with what its start-up cost. */
public final class ServerProcess implements AutoCloseable {
    /** Generous: 100,000 keys take about 20 s here. */
    private static final Duration STARTUP_LIMIT = Duration.ofMinutes(5);

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
    public static ServerProcess start(Path jar, List<String> jvmOptions, List<String> args, Path scratch)
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
        long deadline = start + STARTUP_LIMIT.toNanos();
        while (!Files.exists(pidFile)) {
            if (!process.isAlive()) {
                throw new IOException("the server exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the server did not start listening within " + STARTUP_LIMIT.toSeconds()
                        + " s:\n" + Files.readString(log));
            }
            Thread.sleep(2);
        }
        return new ServerProcess(process, log, (System.nanoTime() - start) / 1_000_000);
    }

    public long pid() {
        return process.pid();
    }

    /** From starting the JVM to the pid file: loading keys, building TLS, binding. */
    public long startupMillis() {
        return startupMillis;
    }

    /** Resident memory now, in MiB, from {@code /proc/PID/status}. */
    public double residentMebibytes() throws IOException {
        return residentBytes(pid()) / (1024.0 * 1024);
    }

    /** Resident memory of process {@code pid} now, in bytes, from {@code /proc/PID/status}. */
    public static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + pid);
    }

    /** Everything the server wrote to standard output and error so far. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Sends a signal by name, e.g. {@code HUP}, with {@code kill}: the JVM can only send TERM and KILL itself. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + pid() + " failed");
        }
    }

    /** Stops the server with SIGTERM and returns its exit status; -1 if it had to be killed. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return -1;
    }

    /** Stops the server with SIGTERM, as an operator would, and waits for it. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
