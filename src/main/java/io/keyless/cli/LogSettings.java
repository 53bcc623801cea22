package io.keyless.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.status.Status;
import org.slf4j.Marker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What the command line asks of logging, whatever the configuration file says: {@code --silent},
 * {@code --verbose}, {@code --syslog}, {@code --access-log}, and whether the console has been let go for
 * {@code --daemon}. Applied once at start and again after every reconfiguration, which would otherwise undo it.
 */
record LogSettings(boolean silent, boolean verbose, boolean syslog, Path accessLog, boolean consoleDetached) {
    /** The logger that {@code --verbose} turns on: one line per request. */
    static final String ACCESS_LOGGER = "keyless.access";

    /** Where {@code --syslog} sends to, if not 127.0.0.1:514: JVM system properties, e.g. in JAVA_OPTS. */
    static final String SYSLOG_HOST_PROPERTY = "keyless.syslog.host";
    static final String SYSLOG_PORT_PROPERTY = "keyless.syslog.port";

    /** Names of the appenders added here; a configuration file should not use them. */
    static final String SYSLOG_APPENDER = "keyless-syslog";
    static final String ACCESS_FILE_APPENDER = "keyless-access-file";

    /** ISO 8601 in UTC with milliseconds, as the built-in and production configurations write it. */
    static final String TIMESTAMP = "%d{\"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'\", UTC}";

    /** The same settings once the launcher's terminal has been let go. */
    LogSettings detached() {
        return new LogSettings(silent, verbose, syslog, accessLog, true);
    }

    /**
     * Brings {@code context} in line with these settings; safe to repeat. Returns why the access log file could
     * not be opened, or {@code null}; the access lines then go to the main log.
     */
    String applyTo(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger access = context.getLogger(ACCESS_LOGGER);
        removeOwn(root, SYSLOG_APPENDER);
        if (removeOwn(access, ACCESS_FILE_APPENDER)) {
            // Undo what adding it did. Otherwise additivity is the configuration file's: one that routes the
            // access logger to an appender of its own may keep its lines out of the main log.
            access.setAdditive(true);
        }
        if (silent) {
            // Levels alone would not do: a logger the file gives a level of its own would still log.
            if (context.getTurboFilterList().stream().noneMatch(Silence.class::isInstance)) {
                Silence silence = new Silence();
                silence.start();
                context.addTurboFilter(silence);
            }
            root.setLevel(Level.OFF);
            access.setLevel(Level.OFF);
            return null;
        }

        access.setLevel(verbose ? Level.INFO : Level.OFF);
        String problem = null;
        if (verbose && accessLog != null) {
            problem = unwritable(accessLog);
            if (problem == null) {
                FileAppender<ILoggingEvent> file = accessFile(context);
                if (file.isStarted()) {
                    access.addAppender(file);
                    access.setAdditive(false);
                } else {
                    problem = "cannot open: " + lastError(context, file);
                }
            }
        }

        if (syslog) {
            root.addAppender(syslog(context));
        }
        if (syslog || consoleDetached) {
            detachConsoles(context);
        }
        return problem == null ? null : "--access-log " + accessLog + ": " + problem;
    }

    private FileAppender<ILoggingEvent> accessFile(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        // The file holds access lines only: neither level nor logger name says anything there.
        encoder.setPattern(TIMESTAMP + " %msg%n");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();

        // No rolling here: logrotate's copytruncate works because the file is opened for appending, and a
        // SIGHUP reopens it after a rename.
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName(ACCESS_FILE_APPENDER);
        file.setFile(accessLog.toAbsolutePath().toString());
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        return file;
    }

    private static SyslogAppender syslog(LoggerContext context) {
        SyslogAppender appender = new SyslogAppender();
        appender.setContext(context);
        appender.setName(SYSLOG_APPENDER);
        appender.setSyslogHost(System.getProperty(SYSLOG_HOST_PROPERTY, "127.0.0.1"));
        appender.setPort(Integer.getInteger(SYSLOG_PORT_PROPERTY, 514));
        appender.setFacility("DAEMON");
        appender.setSuffixPattern("keyless: %logger{0} %msg");
        appender.setCharset(StandardCharsets.UTF_8);
        appender.start();
        return appender;
    }

    /**
     * Why the server could not append to {@code file}, or {@code null}. A missing directory is not created: it is
     * more likely a typo than a wish.
     */
    static String unwritable(Path file) {
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            return "is a directory";
        }
        if (directory == null || !Files.isDirectory(directory)) {
            return "no such directory " + directory;
        }
        boolean writable = Files.exists(absolute) ? Files.isWritable(absolute) : Files.isWritable(directory);
        return writable ? null : "permission denied";
    }

    /** Stops writing to standard output from every logger, whatever the configuration called its appenders. */
    private static void detachConsoles(LoggerContext context) {
        for (Logger logger : context.getLoggerList()) {
            List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                Appender<ILoggingEvent> appender = it.next();
                if (appender instanceof ConsoleAppender) {
                    consoles.add(appender);
                }
            }
            // Detached, not stopped: stopping a console appender would close System.out.
            consoles.forEach(logger::detachAppender);
        }
    }

    /** Refuses every event, before any level is looked at: {@code --silent}. */
    private static final class Silence extends TurboFilter {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                                  Throwable t) {
            return FilterReply.DENY;
        }
    }

    /** Detaches and stops the appender called {@code name} that an earlier apply added; false if there is none. */
    private static boolean removeOwn(Logger logger, String name) {
        Appender<ILoggingEvent> appender = logger.getAppender(name);
        if (appender == null) {
            return false;
        }
        logger.detachAppender(appender);
        appender.stop();
        return true;
    }

    private static String lastError(LoggerContext context, Object origin) {
        String message = "see logback's status messages";
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getOrigin() == origin && status.getEffectiveLevel() == Status.ERROR) {
                Throwable cause = status.getThrowable();
                message = cause == null ? status.getMessage() : status.getMessage() + " " + cause.getMessage();
            }
        }
        return message;
    }
}
