package io.keyless.cli;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import io.keyless.testing.Samples;
import io.keyless.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged command line: --test, --help, --version and the exit status of every kind of failure. */
class CommandLineIT {
    @TempDir
    Path dir;

    @Test
    void testModePrintsWhatItLoadedAndExitsZero() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--test"));

        assertThat(result.status()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout())
                .contains("tls: openssl")
                .contains("server certificate: " + Samples.SERVER_CERT + " subject=\"CN=localhost,O=keyless sample\"")
                .contains("client CA: " + Samples.CLIENT_CA)
                .contains("keys: 3 from keys/sample (1 RSA, 2 EC)")
                .contains("key: keys/sample/rsa2048.key RSA-2048 ski=")
                .contains("key: keys/sample/p256.key P-256 ski=")
                .contains("key: keys/sample/p384.key P-384 ski=")
                .containsPattern("crypto: rsa=\\w+ p256=\\w+ p384=\\w+ p521=\\w+\n")
                .contains("listen: 127.0.0.1:2407")
                .contains("limits: max-connections 10000, max-pending 1024, max-queued 65536, handshake-timeout 10s, "
                        + "idle-timeout 5m, shutdown-timeout 10s")
                .endsWith("configuration OK\n");
    }

    @Test
    void testModeWarnsOfAServerCertificateThatExpiresSoonAndStillPasses() throws Exception {
        TestPki pki = TestPki.authority(dir, "servers");
        TestPki.Issued expiring = pki.issueServer("expiring", Duration.ofDays(12).plusHours(1));
        List<String> flags = replace(replace(KeylessProcess.sampleFlags(2407),
                "--server-cert", expiring.certificate().toString()), "--server-key", expiring.key().toString());

        Result result = KeylessProcess.run(dir, with(flags, "--test"));

        assertThat(result.status()).as("a warning, not a failure").isZero();
        assertThat(result.stdout()).containsPattern("expiry warning: server certificate subject=\"CN=expiring\" "
                        + "expires at \\S+, in 12 days\n")
                .doesNotContain("expiry: no certificate expires")
                .endsWith("configuration OK\n");
    }

    @Test
    void testModePrintsTheLimitsGiven() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--test",
                "--max-connections", "50", "--max-pending", "16", "--max-queued", "100", "--handshake-timeout",
                "1500ms", "--idle-timeout", "0", "--shutdown-timeout", "1m"));

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("limits: max-connections 50, max-pending 16, max-queued 100, "
                + "handshake-timeout 1500ms, idle-timeout 0s, shutdown-timeout 1m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--max-connections=0", "--max-pending=-1", "--max-queued=0", "--idle-timeout=soon",
            "--handshake-timeout=0"})
    void exitsTwoOnALimitOutOfRange(String flag) throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), flag, "--test"));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: ").contains(flag.substring(0, flag.indexOf('=')));
    }

    @Test
    void testModeNamesEveryBadFileOnStderrAndExitsOne() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Files.writeString(keys.resolve("a.key"), "not a key");
        Files.copy(Samples.SERVER_CERT, keys.resolve("b.key"));
        List<String> flags = replace(KeylessProcess.sampleFlags(2407), "--private-key-directory", keys.toString());

        Result result = KeylessProcess.run(dir, with(flags, "--test"));

        assertThat(result.status()).isOne();
        assertThat(result.stdout()).doesNotContain("configuration OK");
        assertThat(result.stderr().lines()).containsExactly(
                "keyless: " + keys.resolve("a.key") + ": no PEM private key found",
                "keyless: " + keys.resolve("b.key") + ": holds CERTIFICATE, not a private key");
    }

    @Test
    void testModeRefusesADirectoryWithoutKeys() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        List<String> flags = replace(KeylessProcess.sampleFlags(2407), "--private-key-directory", empty.toString());

        Result result = KeylessProcess.run(dir, with(flags, "--test"));

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).isEqualTo("keyless: " + empty + ": holds no .key files\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--ca-file", "--server-cert", "--server-key"})
    void namesAMissingFileInOneLineAndExitsOne(String flag) throws Exception {
        Path missing = dir.resolve("missing.pem");
        List<String> flags = replace(KeylessProcess.sampleFlags(2407), flag, missing.toString());

        Result result = KeylessProcess.run(dir, flags);

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).isEqualTo("keyless: " + flag + " " + missing + ": no such file\n");
    }

    @Test
    void refusesAPidFileInAMissingDirectory() throws Exception {
        Path pid = dir.resolve("nowhere/keyless.pid");
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--pid-file", pid.toString()));

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).startsWith("keyless: --pid-file " + pid + ": no such directory");
    }

    @Test
    void refusesToStartOnAPortInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result result = KeylessProcess.run(dir, KeylessProcess.sampleFlags(taken.getLocalPort()));

            assertThat(result.status()).isOne();
            assertThat(result.stderr()).startsWith("keyless: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void exitsTwoOnAnUnknownFlag() throws Exception {
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--frobnicate"));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: Unknown option: '--frobnicate'");
    }

    @Test
    void exitsTwoWhenARequiredFlagIsMissing() throws Exception {
        Result result = KeylessProcess.run(dir, List.of("--ca-file", Samples.CLIENT_CA.toString()));

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("keyless: Missing required options:");
    }

    @Test
    void exitsTwoOnAPortThatIsNotANumber() throws Exception {
        List<String> flags = replace(KeylessProcess.sampleFlags(2407), "--port", "https");

        assertThat(KeylessProcess.run(dir, flags).status()).isEqualTo(2);
    }

    @Test
    void acceptsTheReferenceFlagsWithEqualsSigns() throws Exception {
        Result result = KeylessProcess.run(dir, List.of("--port=2412", "--ca-file=" + Samples.CLIENT_CA,
                "--server-cert=" + Samples.SERVER_CERT, "--server-key=" + Samples.SERVER_KEY,
                "--private-key-directory=" + Samples.KEYS, "--num-workers=4", "--silent", "--test"));

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("listen: *:2412, 4 workers");
    }

    @Test
    void refusesUserWhenTheJvmRunsAsSomeoneElse() throws Exception {
        String other = System.getProperty("user.name").equals("nobody") ? "root" : "nobody";
        Result result = KeylessProcess.run(dir, with(KeylessProcess.sampleFlags(2407), "--user", other, "--test"));

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).contains("--user " + other + ": running as " + System.getProperty("user.name"));
    }

    @Test
    void helpListsEveryReferenceFlag() throws Exception {
        Result result = KeylessProcess.run(dir, List.of("--help"));

        assertThat(result.status()).isZero();
        for (String flag : List.of("--port", "--ip", "--ca-file", "--server-cert", "--server-key",
                "--private-key-directory", "--silent", "--verbose", "--num-workers", "--pid-file", "--test",
                "--user", "--daemon", "--syslog", "--help", "--version")) {
            assertThat(result.stdout()).contains(flag);
        }
    }

    @Test
    void versionComesFromTheJarManifest() throws Exception {
        Result result = KeylessProcess.run(dir, List.of("--version"));

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).startsWith("keyless 1.").doesNotContain("development build");
    }

    private static List<String> with(List<String> flags, String... more) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> replace(List<String> flags, String flag, String value) {
        List<String> changed = new ArrayList<>(flags);
        changed.set(changed.indexOf(flag) + 1, value);
        return changed;
    }
}
