package io.keyless.soak;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak: scripts/soak against the packaged server, hundreds of connections, with disconnects mid-request and a
 * SIGHUP half way. A minute of it with 200 connections in {@code mvn verify}; {@code mvn -Psoak verify} runs half
 * an hour with 300, and {@code -Dsoak.seconds} and {@code -Dsoak.connections} set other figures.
 */
class SoakIT {
    private static final int SECONDS = Integer.getInteger("soak.seconds", 60);
    private static final int CONNECTIONS = Integer.getInteger("soak.connections", 200);

    @TempDir
    Path dir;

    @Test
    // -Psoak runs for as long as asked; the soak process is bounded below by twice that plus three minutes.
    @Timeout(value = 7, unit = TimeUnit.DAYS)
    void mixedTrafficLosesNothingLeaksNothingAndLeavesTheServerAnswering() throws Exception {
        Result result = KeylessProcess.runCommand(dir, List.of("scripts/soak", "--duration", Integer.toString(SECONDS),
                "--warmup", "10", "--connections", Integer.toString(CONNECTIONS), "--json"),
                Duration.ofSeconds(SECONDS * 2L + 180));
        System.out.println("soak report: " + result.stdout());

        assertThat(result.stderr()).isEmpty();
        String report = result.stdout();
        assertThat(number(report, "responses_lost")).isZero();
        assertThat(number(report, "responses_wrong")).isZero();
        assertThat(number(report, "responses_unmatched")).isZero();
        assertThat(number(report, "unexpected_disconnects")).isZero();
        assertThat(number(report, "leak_reports")).isZero();
        assertThat(number(report, "reloads")).isOne();
        assertThat(number(report, "connections_cut_off_mid_request")).isPositive();
        assertThat(number(report, "connections_opened")).isGreaterThan(CONNECTIONS);
        assertThat(number(report, "responses_received")).isGreaterThan(10_000);
        assertThat(report).contains("\"RELOADED_KEY_SIGN\":").contains("\"VERSION_MISMATCH\":")
                .contains("\"FORMAT_ERROR\":").contains("\"failures\":[]");
        assertThat(result.status()).isZero();
    }

    private static double number(String json, String field) {
        Matcher matcher = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        assertThat(matcher.find()).as(field + " in " + json).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
