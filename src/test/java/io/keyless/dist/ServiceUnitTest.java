package io.keyless.dist;

import io.keyless.testing.KeylessProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** config/keyless.service and config/keyless.default, as systemd will read them. */
class ServiceUnitTest {
    private static final Path UNIT = Path.of("config/keyless.service");
    private static final Path DEFAULTS = Path.of("config/keyless.default");

    @TempDir
    Path dir;

    @Test
    void startsTheInstalledLauncherOnTheConfigFileAfterCheckingIt() throws IOException {
        Map<String, List<String>> service = section("Service");

        assertThat(service.get("ExecStart"))
                .containsExactly("/usr/bin/keyless --config /etc/keyless/keyless.conf $KEYLESS_OPTS");
        assertThat(service.get("ExecStartPre"))
                .containsExactly("/usr/bin/keyless --config /etc/keyless/keyless.conf --test $KEYLESS_OPTS");
        assertThat(service.get("EnvironmentFile")).containsExactly("-/etc/default/keyless");
        assertThat(service.get("User")).containsExactly("keyless");
    }

    @Test
    void leavesDetachingAndSwitchingUsersToSystemd() throws IOException {
        Map<String, List<String>> service = section("Service");

        for (String exec : List.of("ExecStart", "ExecStartPre", "ExecReload")) {
            assertThat(service.get(exec)).noneMatch(line -> line.contains("--daemon") || line.contains("--user"));
        }
        assertThat(service.getOrDefault("Type", List.of())).doesNotContain("forking");
    }

    @Test
    void reloadsOnHangupAndTakesTheJvmsExitOnSigtermAsClean() throws IOException {
        Map<String, List<String>> service = section("Service");

        assertThat(service.get("ExecReload")).containsExactly("/bin/kill -HUP $MAINPID");
        assertThat(service.get("SuccessExitStatus")).singleElement().asString().containsPattern("(^|\\s)143(\\s|$)");
    }

    @Test
    void ownsItsStateLogAndRuntimeDirectoriesAndAllowsMoreDescriptorsThanConnections() throws IOException {
        Map<String, List<String>> service = section("Service");

        // systemd applies a directory's mode at every start (0755 unless told), over what postinst set.
        for (String directory : List.of("StateDirectory", "LogsDirectory", "RuntimeDirectory")) {
            assertThat(service.get(directory)).as(directory).containsExactly("keyless");
            assertThat(service.get(directory + "Mode")).as(directory + "Mode").containsExactly("0750");
        }
        // --max-connections defaults to 10000.
        assertThat(Integer.parseInt(service.get("LimitNOFILE").get(0))).isGreaterThan(10_000);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "NoNewPrivileges | yes",
            "ProtectSystem | strict",
            "ProtectHome | yes",
            "PrivateTmp | yes",
            "PrivateDevices | yes",
            "RestrictAddressFamilies | AF_INET AF_INET6 AF_UNIX",
            "CapabilityBoundingSet | ''",
            "UMask | 0077",
    })
    void hardensAsFarAsAJvmAllows(String directive, String value) throws IOException {
        assertThat(section("Service").get(directive)).as(directive).containsExactly(value);
    }

    @Test
    void letsTheJitWriteTheCodeItRuns() throws IOException {
        assertThat(section("Service")).doesNotContainKey("MemoryDenyWriteExecute");
    }

    @Test
    void isWantedByTheMultiUserTarget() throws IOException {
        assertThat(section("Install").get("WantedBy")).containsExactly("multi-user.target");
    }

    @Test
    void defaultFileGivesTheJvmItsLoggingConfigurationAndANativeLibraryDirectory() throws Exception {
        // Sourced by sh as a stand-in for systemd's EnvironmentFile= parser: both join a quoted line ending in \.
        KeylessProcess.Result result = KeylessProcess.runCommand(dir, List.of("sh", "-c",
                "set -a; . \"$1\"; printf '%s\\n%s\\n' \"$JAVA_OPTS\" \"$KEYLESS_OPTS\"", "sh",
                DEFAULTS.toAbsolutePath().toString()), Duration.ofSeconds(10));

        assertThat(result.status()).as(result.stderr()).isZero();
        List<String> lines = result.stdout().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).split("\\s+")).contains("-Dlogback.configurationFile=/etc/keyless/logback.xml",
                "-Dio.netty.native.workdir=/var/lib/keyless");
        assertThat(lines.get(1)).as("KEYLESS_OPTS").isEmpty();
    }

    @Test
    void systemdAnalyzeVerifiesIt() throws Exception {
        assumeTrue(DistFiles.onPath("systemd-analyze"), "systemd-analyze not found (package systemd)");
        // verify insists that the programs exist: point the unit at this checkout's launcher.
        Path unit = dir.resolve("keyless.service");
        Files.writeString(unit, Files.readString(UNIT)
                .replace("/usr/bin/keyless ", Path.of("scripts/keyless").toAbsolutePath() + " "));

        KeylessProcess.Result result = KeylessProcess.runCommand(dir,
                List.of("systemd-analyze", "verify", unit.toString()), Duration.ofSeconds(60));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stderr().lines()).noneMatch(line -> line.contains("keyless.service"));
    }

    /** The directives of one section of the unit, each with its values in order ("" for an empty assignment). */
    private static Map<String, List<String>> section(String name) throws IOException {
        Map<String, List<String>> directives = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(UNIT)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[")) {
                current = trimmed.substring(1, trimmed.length() - 1);
            } else if (name.equals(current)) {
                int equals = trimmed.indexOf('=');
                assertThat(equals).as("%s: '%s' is not Key=Value", UNIT, line).isPositive();
                directives.computeIfAbsent(trimmed.substring(0, equals).strip(), key -> new ArrayList<>())
                        .add(trimmed.substring(equals + 1).strip());
            }
        }
        assertThat(directives).as("[%s] of %s", name, UNIT).isNotEmpty();
        return directives;
    }
}
