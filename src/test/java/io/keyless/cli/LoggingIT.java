package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.KeylessProcess.Result;
import io.keyless.testing.Samples;
import io.keyless.testing.SyslogListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production logging file, syslog, the access log file and live changes of the logging configuration, on the
 * packaged server.
 */
class LoggingIT {
    private static final Path PRODUCTION_CONFIG = Path.of("config/logback.xml");
    private static final Duration START = Duration.ofSeconds(30);

    /** RFC 3164: priority, timestamp, host name, then the tag, which here is followed by the logger's name. */
    private static final Pattern RFC_3164 = Pattern.compile(
            "<(\\d{1,3})>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ keyless: \\w+ .+", Pattern.DOTALL);
    private static final String ISO_LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ";

    @TempDir
    Path dir;

    @Test
    void productionConfigurationWritesOneIsoLinePerEventOnStandardOutput() throws Exception {
        int port = KeylessProcess.freePort();
        try (KeylessProcess server = KeylessProcess.start(dir, List.of(configOption(PRODUCTION_CONFIG)),
                KeylessProcess.sampleFlags(port))) {
            server.awaitOutput("listening address=127.0.0.1:" + port, START);
            ping(port);
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();

            List<String> lines = server.stdout().lines().toList();
            assertThat(lines).hasSizeGreaterThan(3)
                    .allMatch(line -> line.matches(ISO_LINE + "(TRACE|DEBUG|INFO |WARN |ERROR) \\w+ \\S.*"));
            assertThat(server.stdout()).contains("INFO  KeylessServer listening address=127.0.0.1:" + port)
                    .doesNotContain("handshake ok");
            assertThat(server.stderr()).isEmpty();
        }
    }

    @Test
    void syslogGetsRfc3164LinesWithFacilityDaemonAndStandardOutputNothing() throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        // --daemon without the launcher warns, which gives a WARN line to look at.
        flags.addAll(List.of("--syslog", "--daemon"));

        try (SyslogListener syslog = new SyslogListener();
             KeylessProcess server = KeylessProcess.start(dir, syslog.jvmOptions(), flags)) {
            String listening = syslog.await("listening address=127.0.0.1:" + port, START);
            String warning = syslog.await("--daemon needs scripts/keyless", START);

            // Facility daemon is 3: priority 3 * 8 + 6 for INFO, 3 * 8 + 4 for WARN.
            assertThat(priority(listening)).isEqualTo(30);
            assertThat(listening).contains(" keyless: KeylessServer listening address=127.0.0.1:" + port);
            assertThat(priority(warning)).isEqualTo(28);
            assertThat(syslog.received()).allSatisfy(line -> assertThat(line).matches(RFC_3164));

            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
            syslog.await(line -> line.startsWith("<30>") && line.contains(" stopped"), "the stop", START);
            assertThat(server.stdout()).isEmpty();
            assertThat(server.stderr()).isEmpty();
        }
    }

    @Test
    void anEditedConfigurationIsPickedUpAndTheCommandLineStillHolds() throws Exception {
        Path config = fastScanningCopy();
        Path accessLog = dir.resolve("access.log");
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--verbose", "--syslog", "--access-log", accessLog.toString()));

        try (SyslogListener syslog = new SyslogListener();
             KeylessProcess server = KeylessProcess.start(dir, options(syslog, config), flags)) {
            syslog.await("listening address=127.0.0.1:" + port, START);
            ping(port);
            awaitLine(accessLog, "op=PING");
            assertThat(syslog.received()).noneMatch(line -> line.contains("handshake ok"));

            // A file that does not parse changes nothing, and says so.
            Files.writeString(config, Files.readString(config).replace("</configuration>", ""));
            String refused = syslog.await("logging configuration not reloaded", START);
            assertThat(priority(refused)).isEqualTo(28);
            assertThat(refused).contains("file=" + config.toAbsolutePath());
            ping(port);
            assertThat(syslog.received()).noneMatch(line -> line.contains("handshake ok"));

            Files.writeString(config, Files.readString(PRODUCTION_CONFIG)
                    .replace("scanPeriod=\"30 seconds\"", "scanPeriod=\"200 milliseconds\"")
                    .replace("<logger name=\"io.keyless\" level=\"INFO\"/>",
                            "<logger name=\"io.keyless\" level=\"DEBUG\"/>"));
            syslog.await("logging configuration reloaded file=" + config.toAbsolutePath(), START);
            int pingsBefore = countLines(accessLog, "op=PING");
            ping(port);

            String debug = syslog.await("handshake ok", START);
            assertThat(priority(debug)).isEqualTo(31);
            awaitCount(accessLog, "op=PING", pingsBefore + 1);
            assertThat(Files.readAllLines(accessLog)).allMatch(line -> line.matches(ISO_LINE + "id=\\d+ op=.*"));
            assertThat(syslog.received()).noneMatch(line -> line.contains("op=PING"));
            assertThat(server.stdout()).isEmpty();
        }
    }

    @Test
    void sighupRereadsTheConfigurationAtOnceAndKeepsAccessLinesInSyslog() throws Exception {
        Path config = dir.resolve("logback.xml");
        // No scan: only the signal can bring the change in.
        Files.writeString(config, Files.readString(PRODUCTION_CONFIG)
                .replace(" scan=\"true\" scanPeriod=\"30 seconds\"", ""));
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--verbose", "--syslog"));

        try (SyslogListener syslog = new SyslogListener();
             KeylessProcess server = KeylessProcess.start(dir, options(syslog, config), flags)) {
            syslog.await("listening address=127.0.0.1:" + port, START);
            Files.writeString(config, Files.readString(config).replace(
                    "<logger name=\"io.keyless\" level=\"INFO\"/>", "<logger name=\"io.keyless\" level=\"DEBUG\"/>"));

            server.signal("HUP");
            syslog.await("logging configuration reloaded file=" + config.toAbsolutePath(), START);
            syslog.await("keys reloaded", START);
            ping(port);

            syslog.await("handshake ok", START);
            syslog.await(line -> line.startsWith("<30>") && line.contains("keyless: access id=") && line.contains(
                    "op=PING"), "an access line", START);
            assertThat(server.stdout()).isEmpty();
        }
    }

    @Test
    void anAccessLogThatCannotBeOpenedStopsStartUpNamingTheFile() throws Exception {
        Path missing = dir.resolve("no-such-dir/access.log");
        List<String> flags = KeylessProcess.sampleFlags(KeylessProcess.freePort());
        flags.addAll(List.of("--verbose", "--access-log", missing.toString()));

        Result result = KeylessProcess.run(dir, flags);

        assertThat(result.status()).isOne();
        assertThat(result.stderr()).isEqualTo("keyless: --access-log " + missing + ": no such directory "
                + missing.getParent() + "\n");
        assertThat(result.stdout()).doesNotContain("listening");
    }

    @Test
    void anAccessLogWithoutVerboseIsAcceptedAndLeftAlone() throws Exception {
        Path accessLog = dir.resolve("access.log");
        List<String> flags = KeylessProcess.sampleFlags(KeylessProcess.freePort());
        flags.addAll(List.of("--test", "--access-log", accessLog.toString()));

        Result result = KeylessProcess.run(dir, flags);

        assertThat(result.status()).isZero();
        assertThat(result.stdout()).contains("access log off: --access-log " + accessLog
                + " takes effect with --verbose");
        assertThat(accessLog).doesNotExist();
    }

    private Path fastScanningCopy() throws Exception {
        Path config = dir.resolve("logback.xml");
        String text = Files.readString(PRODUCTION_CONFIG);
        assertThat(text).contains("scanPeriod=\"30 seconds\"").contains("<logger name=\"io.keyless\" level=\"INFO\"/>");
        Files.writeString(config, text.replace("scanPeriod=\"30 seconds\"", "scanPeriod=\"200 milliseconds\""));
        return config;
    }

    private static List<String> options(SyslogListener syslog, Path config) {
        List<String> options = new ArrayList<>(syslog.jvmOptions());
        options.add(configOption(config));
        return options;
    }

    private static String configOption(Path config) {
        return "-Dlogback.configurationFile=" + config.toAbsolutePath();
    }

    private static int priority(String line) {
        Matcher matcher = RFC_3164.matcher(line);
        assertThat(matcher.matches()).as("RFC 3164: %s", line).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static void ping(int port) throws Exception {
        try (KeylessClient client = Samples.newClient();
             KeylessConnection connection = client.connect("127.0.0.1", port)) {
            assertThat(connection.send(KeylessRequest.builder(KeylessOpcode.PING)).get(10, TimeUnit.SECONDS)
                    .opcode()).isEqualTo(KeylessOpcode.PONG);
        }
    }

    private static void awaitLine(Path file, String text) throws Exception {
        awaitCount(file, text, 1);
    }

    private static void awaitCount(Path file, String text, int count) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (countLines(file, text) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " lines with '" + text + "' in " + file + ":\n"
                        + (Files.exists(file) ? Files.readString(file) : "(no file)"));
            }
            Thread.sleep(20);
        }
        assertThat(countLines(file, text)).isEqualTo(count);
    }

    private static int countLines(Path file, String text) throws Exception {
        return Files.exists(file) ? (int) Files.readAllLines(file).stream().filter(l -> l.contains(text)).count() : 0;
    }
}
