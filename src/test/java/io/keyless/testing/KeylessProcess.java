package io.keyless.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged key server run as its own process, as an operator runs it: through {@code java -jar} or the
 * launcher script, with its output captured in files.
 */
public final class KeylessProcess implements AutoCloseable {
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private int port;

    private KeylessProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The jar that {@code mvn package} built. */
    public static Path jar() {
        return Path.of(System.getProperty("keyless.jar", "target/keyless.jar")).toAbsolutePath();
    }

    /** The flags that serve the sample keys and certificates. */
    public static List<String> sampleFlags(int port) {
        return new ArrayList<>(List.of(
                "--ca-file", Samples.CLIENT_CA.toString(),
                "--server-cert", Samples.SERVER_CERT.toString(),
                "--server-key", Samples.SERVER_KEY.toString(),
                "--private-key-directory", Samples.KEYS.toString(),
                "--ip", "127.0.0.1",
                "--port", Integer.toString(port)));
    }

    /** Starts {@code java -jar keyless.jar args}. */
    public static KeylessProcess start(Path workDir, List<String> args) throws IOException {
        return start(workDir, List.of(), args);
    }

    /** Starts {@code java jvmOptions -jar keyless.jar args}. */
    public static KeylessProcess start(Path workDir, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(args);
        return start(workDir, command, Map.of());
    }

    /** Starts any command with the given extra environment, output captured in {@code workDir}. */
    public static KeylessProcess start(Path workDir, List<String> command, Map<String, String> environment)
            throws IOException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        return new KeylessProcess(builder.start(), out, err);
    }

    /** Runs {@code java -jar keyless.jar args} to completion. */
    public static Result run(Path workDir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar().toString()));
        command.addAll(args);
        return runCommand(workDir, command, Duration.ofSeconds(60));
    }

    /** Runs any command (a script of the project, say) to completion. */
    public static Result runCommand(Path workDir, List<String> command, Duration limit)
            throws IOException, InterruptedException {
        try (KeylessProcess process = start(workDir, command, Map.of())) {
            int status = process.waitFor(limit);
            return new Result(status, process.stdout(), process.stderr());
        }
    }

    /** Starts the packaged server on the sample files on a free loopback port and waits until it listens. */
    public static KeylessProcess startSampleServer(Path workDir) throws IOException, InterruptedException {
        int port = freePort();
        KeylessProcess server = start(workDir, sampleFlags(port));
        server.port = port;
        server.awaitOutput("listening", Duration.ofSeconds(60));
        return server;
    }

    /** The port a server from {@link #startSampleServer}, or given to {@link #withPort}, listens on. */
    public int port() {
        return port;
    }

    /** Remembers the port this server was told to listen on. */
    public KeylessProcess withPort(int port) {
        this.port = port;
        return this;
    }

    /** The flags that let a client tool (test client, load tool) in as the sample ECDSA client. */
    public static List<String> sampleClientFlags(int port) {
        return new ArrayList<>(List.of("--port", Integer.toString(port),
                "--client-cert", Samples.CLIENT_CERT.toString(), "--client-key", Samples.CLIENT_KEY.toString(),
                "--ca-file", Samples.SERVER_CA.toString()));
    }

    /** A port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Sends a signal by name (TERM, HUP, INT) as {@code kill} does. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until standard output contains {@code text}; fails if the process exits or the time runs out. */
    public void awaitOutput(String text, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!stdout().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("process exited " + process.exitValue() + " before printing '" + text
                        + "'\nstdout:\n" + stdout() + "\nstderr:\n" + stderr());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' within " + limit + "\nstdout:\n" + stdout());
            }
            Thread.sleep(20);
        }
    }

    public int waitFor(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not exit within " + limit);
        }
        return process.exitValue();
    }

    public String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    public String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How a finished process ended. */
    public record Result(int status, String stdout, String stderr) {
    }
}
