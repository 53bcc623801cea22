package io.keyless.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.MalformedURLException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line's logging settings on a logback context of their own: where each line goes, and that they
 * outlast the configuration file being read again, good or bad.
 */
class LogSetupTest {
    private static final String ISO_LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ";

    @TempDir
    Path dir;

    private final LoggerContext context = new LoggerContext();
    private Path config;
    private LogReload reload;

    @BeforeEach
    void configure() throws Exception {
        context.setMDCAdapter(new LogbackMDCAdapter());
        config = dir.resolve("logback.xml");
        writeConfig("INFO");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config.toFile());
    }

    @AfterEach
    void stop() {
        if (reload != null) {
            reload.stop();
        }
        context.stop();
    }

    @Test
    void verboseAccessLinesGoToTheirOwnFileOnlyWithIsoTimestamps() throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "earlier line\n");

        assertThat(start(new LogSettings(false, true, false, file, false))).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=7 op=PING result=OK");
        context.getLogger("io.keyless.server.KeylessServer").info("listening address=*:2407");

        assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("earlier line");
        assertThat(Files.readAllLines(file).get(1)).matches(ISO_LINE + "id=7 op=PING result=OK");
        assertThat(mainLog()).containsExactly("listening address=*:2407");
    }

    @Test
    void withoutVerboseTheAccessLogFileIsNeitherOpenedNorWritten() {
        Path file = dir.resolve("access.log");

        assertThat(start(new LogSettings(false, false, false, file, false))).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=7 op=PING result=OK");

        assertThat(file).doesNotExist();
        assertThat(mainLog()).isEmpty();
    }

    @Test
    void verboseWithoutAFileWritesAccessLinesToTheMainLog() {
        assertThat(start(new LogSettings(false, true, false, null, false))).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=7 op=PING result=OK");

        assertThat(mainLog()).containsExactly("id=7 op=PING result=OK");
    }

    @Test
    void verboseKeepsTheAccessLoggerWhereTheConfigurationFileRoutesIt() throws Exception {
        Files.writeString(config, """
                <configuration>
                  <appender name="list" class="ch.qos.logback.core.read.ListAppender"/>
                  <appender name="access" class="ch.qos.logback.core.read.ListAppender"/>
                  <logger name="keyless.access" level="OFF" additivity="false">
                    <appender-ref ref="access"/>
                  </logger>
                  <root level="INFO">
                    <appender-ref ref="list"/>
                  </root>
                </configuration>
                """);
        reconfigure();

        assertThat(start(new LogSettings(false, true, false, null, false))).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=7 op=PING result=OK");

        assertThat(mainLog()).isEmpty();
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> access =
                (ListAppender<ILoggingEvent>) context.getLogger(LogSettings.ACCESS_LOGGER).getAppender("access");
        assertThat(access.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly("id=7 op=PING result=OK");
    }

    @Test
    void anAccessLogThatCannotBeOpenedIsAProblemNamingFileAndReason() throws Exception {
        Path missing = dir.resolve("no-such-dir/access.log");
        Path directory = Files.createDirectories(dir.resolve("a-directory"));

        assertThat(start(new LogSettings(false, true, false, missing, false)))
                .isEqualTo("--access-log " + missing + ": no such directory " + missing.getParent());
        reload.stop();
        assertThat(start(new LogSettings(false, true, false, directory, false)))
                .isEqualTo("--access-log " + directory + ": is a directory");
        assertThat(missing.getParent()).doesNotExist();
    }

    @Test
    void silentTurnsEverythingOffEvenWithAnAccessLog() {
        Path file = dir.resolve("access.log");

        assertThat(start(new LogSettings(true, true, true, file, false))).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=7");
        context.getLogger("io.keyless").warn("something");

        assertThat(mainLog()).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(root().getAppender(LogSettings.SYSLOG_APPENDER)).isNull();
    }

    @Test
    void syslogTakesThePlaceOfEveryConsoleAppender() {
        start(new LogSettings(false, false, true, null, false));

        assertThat(root().getAppender(LogSettings.SYSLOG_APPENDER)).isInstanceOf(SyslogAppender.class);
        assertThat(consoles()).isEmpty();
        assertThat(root().getAppender("list")).isNotNull();
    }

    @Test
    void detachingTheConsoleKeepsTheOtherAppenders() {
        start(new LogSettings(false, false, false, null, false));
        assertThat(consoles()).hasSize(1);

        reload.detachConsole();

        assertThat(consoles()).isEmpty();
        assertThat(root().getAppender("list")).isNotNull();
    }

    @Test
    void applyingAgainLeavesOneAppenderOfEachKind() throws Exception {
        Path file = dir.resolve("access.log");
        LogSettings settings = new LogSettings(false, true, true, file, false);

        assertThat(settings.applyTo(context)).isNull();
        assertThat(settings.applyTo(context)).isNull();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=1");

        assertThat(Files.readAllLines(file)).hasSize(1);
        assertThat(appenders(root())).filteredOn(a -> a instanceof SyslogAppender).hasSize(1);
    }

    @Test
    void settingsOutlastARereadThatChangesTheLevels() throws Exception {
        Path file = dir.resolve("access.log");
        start(new LogSettings(false, true, true, file, false));
        writeConfig("DEBUG");

        reload.reread();

        assertThat(context.getLogger("io.keyless").getLevel()).isEqualTo(Level.DEBUG);
        assertThat(mainLog()).containsExactly("logging configuration reloaded file=" + config);
        assertThat(root().getAppender(LogSettings.SYSLOG_APPENDER)).isNotNull();
        assertThat(consoles()).isEmpty();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=8 after the reread");
        assertThat(Files.readString(file)).contains("id=8 after the reread");
        assertThat(mainLog()).doesNotContain("id=8 after the reread");
    }

    @Test
    void silentOutlastsAReread() throws Exception {
        start(new LogSettings(true, false, false, null, false));
        writeConfig("DEBUG");

        reload.reread();
        context.getLogger("io.keyless").warn("something");

        assertThat(root().getLevel()).isEqualTo(Level.OFF);
        assertThat(mainLog()).isEmpty();
    }

    @Test
    void aFileThatDoesNotParseLeavesThePreviousConfigurationAndSaysWhy() throws Exception {
        start(new LogSettings(false, true, false, null, false));
        Files.writeString(config, "<configuration><logger name=\"io.keyless\" level=\"DEBUG\">");

        reload.reread();

        assertThat(context.getLogger("io.keyless").getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger(LogSettings.ACCESS_LOGGER).getLevel()).isEqualTo(Level.INFO);
        assertThat(mainLog()).singleElement().asString()
                .startsWith("logging configuration not reloaded, the previous one stays: file=" + config
                        + " error=\"")
                .contains("XML");
    }

    @Test
    void aRereadReopensTheAccessLogThatLogrotateMovedAway() throws Exception {
        Path file = dir.resolve("access.log");
        start(new LogSettings(false, true, false, file, false));
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=1 before rotation");
        Files.move(file, dir.resolve("access.log.1"));

        reload.reread();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=2 after rotation");

        assertThat(Files.readString(dir.resolve("access.log.1"))).contains("id=1").doesNotContain("id=2");
        assertThat(Files.readString(file)).contains("id=2").doesNotContain("id=1");
    }

    @Test
    void anAccessLogTruncatedInPlaceGoesOnFromItsStartAsLogrotateCopytruncateNeeds() throws Exception {
        Path file = dir.resolve("access.log");
        start(new LogSettings(false, true, false, file, false));
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=1 a rather long line before the truncation");

        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=2");

        assertThat(Files.readString(file)).matches(ISO_LINE + "id=2\n");
    }

    @Test
    void withABuiltInConfigurationARereadOnlyReopensTheAccessLog() throws Exception {
        Path file = dir.resolve("access.log");
        reload = new LogReload(context, new LogSettings(false, true, false, file, false), null);
        reload.start();
        Files.move(file, dir.resolve("access.log.1"));

        reload.reread();
        context.getLogger(LogSettings.ACCESS_LOGGER).info("id=2 after rotation");

        assertThat(Files.readString(file)).contains("id=2");
        assertThat(mainLog()).containsExactly("logging configuration is built in, nothing to re-read");
    }

    private String start(LogSettings settings) {
        try {
            reload = new LogReload(context, settings, config.toUri().toURL());
        } catch (MalformedURLException e) {
            throw new AssertionError(e);
        }
        return reload.start();
    }

    /** Reads the configuration file again, as logback's scan does: the context is reset first. */
    private void reconfigure() throws Exception {
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config.toFile());
    }

    private void writeConfig(String keylessLevel) throws Exception {
        Files.writeString(config, """
                <configuration>
                  <appender name="console" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%msg%n</pattern></encoder>
                  </appender>
                  <appender name="list" class="ch.qos.logback.core.read.ListAppender"/>
                  <logger name="io.keyless" level="LEVEL"/>
                  <logger name="keyless.access" level="OFF"/>
                  <root level="INFO">
                    <appender-ref ref="console"/>
                    <appender-ref ref="list"/>
                  </root>
                </configuration>
                """.replace("LEVEL", keylessLevel));
    }

    private Logger root() {
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** What reached the root logger's list appender of the configuration now in force. */
    private List<String> mainLog() {
        @SuppressWarnings("unchecked")
        ListAppender<ILoggingEvent> list = (ListAppender<ILoggingEvent>) root().getAppender("list");
        return list.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<Appender<ILoggingEvent>> consoles() {
        return appenders(root()).stream().filter(a -> a instanceof ConsoleAppender).toList();
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> all = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            all.add(it.next());
        }
        return all;
    }
}
