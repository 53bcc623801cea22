package io.keyless.bench;

import io.keyless.testing.KeylessProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** scripts/perf-report from start to table, cut short. */
class PerfReportIT {
    @TempDir
    Path dir;

    @Test
    void printsTheWholeReport() throws Exception {
        KeylessProcess.Result result = KeylessProcess.runCommand(dir, List.of("scripts/perf-report",
                "--duration", "1", "--warmup", "0.5", "--initial-warmup", "1", "--key-counts", "300"),
                Duration.ofMinutes(4));

        assertThat(result.status()).as(result.stderr()).isZero();
        String report = result.stdout();
        assertThat(report).containsPattern("Measured \\d{4}-\\d\\d-\\d\\d on \\d+ cores .*; server rsa=\\w+ p256=");
        for (String operation : List.of("RSA-2048 sign", "RSA-2048 decrypt", "ECDSA P-256 sign",
                "ECDSA P-384 sign")) {
            assertThat(report).containsPattern("\\| " + operation + " \\| [\\d,]+ \\| [\\d.]+ \\| \\d+ \\| [\\d.]+ \\| "
                    + "[\\d.]+ \\| [\\d.]+ / [\\d.]+ / [\\d.]+ \\| [\\d.]+ \\|");
        }
        assertThat(report).containsPattern("\\| mutual-TLS handshake \\| [\\d,]+/s \\| \\| [\\d,]+ \\|")
                .containsPattern("`openssl speed` signatures/s, 1 process / \\d+: RSA-2048 [\\d,]+ / [\\d,]+")
                .containsPattern("\\| 3 \\(the samples\\) \\| [\\d.]+ \\| [\\d.]+ \\| \\d+ \\|")
                .containsPattern("\\| 300 RSA-2048 \\| [\\d.]+ \\| [\\d.]+ \\| \\d+ \\|");
    }
}
