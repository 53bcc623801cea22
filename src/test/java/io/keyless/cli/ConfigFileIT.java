package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged server configured by a --config file and KEYLESS_* variables, beneath its command line. */
class ConfigFileIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void servesWithFlagsFromTheFileTheEnvironmentAndTheCommandLine() throws Exception {
        int filePort = KeylessProcess.freePort();
        int environmentPort = KeylessProcess.freePort();
        int commandLinePort = KeylessProcess.freePort();
        Path config = write("keyless.conf",
                "# every flag of the sample server",
                "ca-file = " + Samples.CLIENT_CA.toAbsolutePath(),
                "server-cert = " + Samples.SERVER_CERT.toAbsolutePath(),
                "server-key = \"" + Samples.SERVER_KEY.toAbsolutePath() + "\"",
                "--private-key-directory = " + Samples.KEYS.toAbsolutePath(),
                "ip = 127.0.0.1",
                "",
                "port = " + filePort,
                "max-connections = 50",
                "max-pending = 8");
        Map<String, String> environment = Map.of(
                "KEYLESS_PORT", Integer.toString(environmentPort),
                "KEYLESS_MAX_PENDING", "16",
                "KEYLESS_VERBOSE", "yes",
                "KEYLESS_OPTS", "names no flag",
                "KEYLESS_CONFIG", dir.resolve("not-this-one.conf").toString());
        List<String> args = List.of("--config", config.toString(), "--port", Integer.toString(commandLinePort));

        Result test = run(environment, with(args, "--test"));

        assertThat(test.status()).as(test.stderr()).isZero();
        assertThat(test.stdout()).contains(
                "config: config = " + config + " (command line)\n",
                "config: ca-file = " + Samples.CLIENT_CA.toAbsolutePath() + " (file " + config + ":2)\n",
                "config: server-key = " + Samples.SERVER_KEY.toAbsolutePath() + " (file " + config + ":4)\n",
                "config: port = " + commandLinePort + " (command line)\n",
                "config: max-connections = 50 (file " + config + ":9)\n",
                "config: max-pending = 16 (environment KEYLESS_MAX_PENDING)\n",
                "config: verbose = true (environment KEYLESS_VERBOSE)\n",
                "config: idle-timeout = 5m (default)\n",
                "listen: 127.0.0.1:" + commandLinePort + ",",
                "limits: max-connections 50, max-pending 16,");
        assertThat(test.stdout()).doesNotContain("names no flag", "OPTS").endsWith("configuration OK\n");

        try (KeylessProcess server = start(environment, args)) {
            server.awaitOutput("listening address=127.0.0.1:" + commandLinePort, LIMIT);

            assertThat(ping(commandLinePort, 42)).isEqualTo(KeylessOpcode.PONG);
            // verbose came from the environment: the ping has its access log line.
            server.awaitOutput("access id=42 op=PING", LIMIT);
        }
    }

    @Test
    void readsTheFileNamedByKeylessConfig() throws Exception {
        Path config = write("keyless.conf", sampleLines());

        Result result = run(Map.of("KEYLESS_CONFIG", config.toString()), List.of("--test"));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("config: config = " + config + " (environment KEYLESS_CONFIG)\n",
                "config: port = 2407 (default)\n", "configuration OK");
    }

    @Test
    void takesArgumentFilesAsTheCommandLine() throws Exception {
        Path config = write("keyless.conf", "max-queued = 100");
        Path arguments = write("keyless.args", String.join("\n", KeylessProcess.sampleFlags(2412)),
                "--config " + config, "--max-queued 200");

        Result result = run(Map.of(), List.of("@" + arguments, "--test"));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("config: ca-file = " + Samples.CLIENT_CA + " (command line)\n",
                "config: max-queued = 200 (command line)\n", "listen: 127.0.0.1:2412,", "max-queued 200,");
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("an unknown name", List.of("prot = 2407"), Map.of(), ":1: unknown flag 'prot'"),
                Arguments.of("a line without '='", List.of("# the port", "port 2407"), Map.of(),
                        ":2: expected 'name = value'"),
                Arguments.of("a value that is not a number", List.of("", "port = https"), Map.of(),
                        ":2: Invalid value for option '--port': 'https' is not an int"),
                Arguments.of("a limit out of range", List.of("max-connections = 0"), Map.of(),
                        "--max-connections must be at least 1 (file {file}:1)"),
                Arguments.of("a bad value in the environment", List.of(), Map.of("KEYLESS_IDLE_TIMEOUT", "soon"),
                        "environment KEYLESS_IDLE_TIMEOUT: Invalid value for option '--idle-timeout': 'soon' is not "
                                + "a duration such as 500ms, 10s, 5m or 1h"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void exitsTwoNamingTheFileAndLineOf(String sentence, List<String> lines, Map<String, String> environment,
            String reason) throws Exception {
        Path config = write("keyless.conf", lines.toArray(String[]::new));

        Result result = run(environment, with(KeylessProcess.sampleFlags(2407), "--config", config.toString(),
                "--test"));

        assertThat(result.status()).isEqualTo(2);
        String where = reason.startsWith(":") ? config + reason : reason.replace("{file}", config.toString());
        assertThat(result.stderr()).isEqualTo("keyless: " + where + "\nTry 'keyless --help' for the options.\n");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void exitsTwoNamingAMissingConfigFile() throws Exception {
        Path missing = dir.resolve("missing.conf");

        Result result = run(Map.of(), with(KeylessProcess.sampleFlags(2407), "--config", missing.toString()));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: --config " + missing + ": no such file\n");
    }

    @Test
    void saysThatAMissingRequiredFlagMayComeFromTheEnvironmentOrTheFile() throws Exception {
        List<String> lines = new ArrayList<>(sampleLines());
        lines.remove(lines.size() - 1);
        Path config = write("keyless.conf", lines.toArray(String[]::new));

        Result result = run(Map.of(), List.of("--config", config.toString()));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: Missing required option: --private-key-directory (give it "
                + "on the command line, in the environment as KEYLESS_PRIVATE_KEY_DIRECTORY, or in the --config "
                + "file)\n");
    }

    /** The sample server's required flags as config file lines, the key directory last. */
    private static List<String> sampleLines() {
        return List.of("ca-file = " + Samples.CLIENT_CA, "server-cert = " + Samples.SERVER_CERT,
                "server-key = " + Samples.SERVER_KEY, "private-key-directory = " + Samples.KEYS);
    }

    private Path write(String name, String... lines) throws Exception {
        return Files.write(dir.resolve(name), List.of(lines));
    }

    private Path write(String name, List<String> lines) throws Exception {
        return Files.write(dir.resolve(name), lines);
    }

    private Result run(Map<String, String> environment, List<String> args) throws Exception {
        try (KeylessProcess process = start(environment, args)) {
            int status = process.waitFor(LIMIT);
            return new Result(status, process.stdout(), process.stderr());
        }
    }

    private KeylessProcess start(Map<String, String> environment, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KeylessProcess.javaBinary(), "-jar",
                KeylessProcess.jar().toString()));
        command.addAll(args);
        return KeylessProcess.start(dir, command, environment);
    }

    private static List<String> with(List<String> flags, String... more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(more));
        return all;
    }

    private static KeylessOpcode ping(int port, int id) throws Exception {
        try (KeylessClient client = Samples.newClient();
             KeylessConnection connection = client.connect("127.0.0.1", port)) {
            return connection.send(KeylessRequest.builder(KeylessOpcode.PING).id(id).build())
                    .get(10, TimeUnit.SECONDS).opcode();
        }
    }
}
