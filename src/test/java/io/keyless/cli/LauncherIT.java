package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The scripts an operator runs: scripts/run and scripts/kill, and scripts/keyless with --daemon and --user. */
class LauncherIT {
    @TempDir
    Path dir;

    @Test
    void runStartsTheSampleServerAndKillStopsIt() throws Exception {
        int port = KeylessProcess.freePort();
        Path pid = Path.of("target/keyless.pid");
        try (KeylessProcess server = KeylessProcess.start(dir, List.of("scripts/run", "--port",
                Integer.toString(port), "--ip", "127.0.0.1"), Map.of())) {
            server.awaitOutput("listening address=127.0.0.1:" + port, Duration.ofSeconds(120));
            assertThat(ping(port)).isEqualTo(KeylessOpcode.PONG);
            for (int i = 0; i < 500 && !Files.exists(pid); i++) {
                Thread.sleep(20);
            }
            assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(server.pid()));

            KeylessProcess.Result kill = runScript(List.of("scripts/kill"));

            assertThat(kill.status()).isZero();
            assertThat(server.waitFor(Duration.ofSeconds(5))).isZero();
            assertThat(pid).doesNotExist();
        }
    }

    @Test
    void killSaysSoWhenNoServerRuns() throws Exception {
        KeylessProcess.Result kill = runScript(List.of("scripts/kill", dir.resolve("none.pid").toString()));

        assertThat(kill.status()).isOne();
        assertThat(kill.stderr()).contains("none.pid not found");
    }

    @Test
    void daemonDetachesAsTheGivenUserAndStopsCleanly() throws Exception {
        assumeTrue(isRoot(), "--user needs root to switch users");
        // The user must be able to read everything, as in a real deployment.
        Path files = Files.createDirectories(dir.resolve("files"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path keys = Files.createDirectories(files.resolve("keys"));
        Files.copy(Samples.EC_KEY, keys.resolve("ec.key"));
        Path ca = Files.copy(Samples.CLIENT_CA, files.resolve("ca.pem"));
        Path cert = Files.copy(Samples.SERVER_CERT, files.resolve("server.pem"));
        Path key = Files.copy(Samples.SERVER_KEY, files.resolve("server.key"));
        run(List.of("chown", "-R", "nobody", files.toString()));
        Path pid = files.resolve("keyless.pid");
        int port = KeylessProcess.freePort();

        KeylessProcess.Result started = runScript(List.of("scripts/keyless", "--daemon", "--user", "nobody",
                "--ca-file", ca.toString(), "--server-cert", cert.toString(), "--server-key", key.toString(),
                "--private-key-directory", keys.toString(), "--ip", "127.0.0.1", "--port", Integer.toString(port),
                "--pid-file", pid.toString()));

        assertThat(started.status()).as(started.stderr()).isZero();
        long daemon = Long.parseLong(started.stdout().trim());
        try {
            assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(daemon));
            String status = Files.readString(Path.of("/proc/" + daemon + "/status"));
            assertThat(status).containsPattern("Uid:\\s+65534\\s+65534").containsPattern("Gid:\\s+65534\\s+65534");
            assertThat(ping(port)).isEqualTo(KeylessOpcode.PONG);

            // A script's background job starts with SIGINT ignored; the launcher must have undone that.
            run(List.of("kill", "-INT", Long.toString(daemon)));
            for (int i = 0; i < 500 && Files.exists(pid); i++) {
                Thread.sleep(20);
            }
            assertThat(pid).doesNotExist();
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void daemonWithTestRunsTheChecksInTheForeground() throws Exception {
        List<String> flags = new ArrayList<>(List.of("scripts/keyless", "--daemon", "--test"));
        flags.addAll(KeylessProcess.sampleFlags(2407));

        KeylessProcess.Result result = runScript(flags);

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).endsWith("configuration OK\n");
    }

    @Test
    void killRefusesAPidFileThatNamesNoServer() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Path garbage = Files.writeString(dir.resolve("garbage.pid"), "-1\n");
            Path notOurs = Files.writeString(dir.resolve("other.pid"), sleeper.pid() + "\n");
            Path stale = Files.writeString(dir.resolve("stale.pid"), "4194000\n");

            assertThat(runScript(List.of("scripts/kill", garbage.toString())).stderr())
                    .contains("does not hold the id of a server process");
            assertThat(runScript(List.of("scripts/kill", notOurs.toString())).stderr())
                    .contains("is not a keyless server; leaving it alone");
            assertThat(sleeper.isAlive()).isTrue();
            KeylessProcess.Result staleKill = runScript(List.of("scripts/kill", stale.toString()));
            assertThat(staleKill.status()).isOne();
            assertThat(stale).doesNotExist();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void daemonReportsAFailedStartAndExitsOne() throws Exception {
        KeylessProcess.Result started = runScript(List.of("scripts/keyless", "--daemon",
                "--ca-file", dir.resolve("missing.pem").toString(), "--server-cert", Samples.SERVER_CERT.toString(),
                "--server-key", Samples.SERVER_KEY.toString(), "--private-key-directory", Samples.KEYS.toString()));

        assertThat(started.status()).isOne();
        assertThat(started.stdout()).isEmpty();
        assertThat(started.stderr()).contains("keyless: --ca-file " + dir.resolve("missing.pem") + ": no such file");
    }

    private KeylessProcess.Result runScript(List<String> command) throws Exception {
        return KeylessProcess.runCommand(dir, command, Duration.ofSeconds(120));
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(new ArrayList<>(command)).inheritIO().start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    private static boolean isRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static KeylessOpcode ping(int port) throws Exception {
        try (KeylessClient client = Samples.newClient();
             KeylessConnection connection = client.connect("127.0.0.1", port)) {
            return connection.send(KeylessRequest.builder(KeylessOpcode.PING)).get(10, TimeUnit.SECONDS).opcode();
        }
    }
}
