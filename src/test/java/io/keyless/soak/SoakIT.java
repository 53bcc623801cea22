package io.keyless.soak;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The minute-long soak of {@code mvn verify}: scripts/soak against the packaged server, 200 connections, with
 * disconnects mid-request and a SIGHUP half way. {@code scripts/soak --duration N} runs the long one.
 */
class SoakIT {
    @TempDir
    Path dir;

    @Test
    void aMinuteOfMixedTrafficLosesNothingLeaksNothingAndLeavesTheServerAnswering() throws Exception {
        Result result = KeylessProcess.runCommand(dir, List.of("scripts/soak", "--duration", "60", "--warmup", "10",
                "--connections", "200", "--json"), Duration.ofMinutes(4));
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
        assertThat(number(report, "connections_opened")).isGreaterThan(200);
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
