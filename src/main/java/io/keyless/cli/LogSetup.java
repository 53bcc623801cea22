package io.keyless.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.net.SyslogAppender;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code --silent}, {@code --verbose} and {@code --syslog} to the logging configuration that logback read
 * at start (the jar's {@code logback.xml}, or the operator's through {@code -Dlogback.configurationFile}).
 */
final class LogSetup {
    /** The logger that {@code --verbose} turns on: one line per request. */
    static final String ACCESS_LOGGER = "keyless.access";

    /** Where {@code --syslog} sends to, if not 127.0.0.1:514: JVM system properties, e.g. in JAVA_OPTS. */
    static final String SYSLOG_HOST_PROPERTY = "keyless.syslog.host";
    static final String SYSLOG_PORT_PROPERTY = "keyless.syslog.port";

    private static final String CONSOLE_APPENDER = "console";

    private LogSetup() {
    }

    static void apply(boolean silent, boolean verbose, boolean syslog) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger access = context.getLogger(ACCESS_LOGGER);
        if (silent) {
            root.setLevel(Level.OFF);
            access.setLevel(Level.OFF);
            return;
        }
        access.setLevel(verbose ? Level.INFO : Level.OFF);
        if (syslog) {
            SyslogAppender appender = new SyslogAppender();
            appender.setContext(context);
            appender.setName("syslog");
            appender.setSyslogHost(System.getProperty(SYSLOG_HOST_PROPERTY, "127.0.0.1"));
            appender.setPort(Integer.getInteger(SYSLOG_PORT_PROPERTY, 514));
            appender.setFacility("DAEMON");
            appender.setSuffixPattern("keyless: %logger{0} %msg");
            appender.start();
            root.addAppender(appender);
            root.detachAppender(CONSOLE_APPENDER);
        }
    }

    /** Stops writing to the terminal the launcher has left behind; syslog, if on, goes on. */
    static void detachConsole() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(CONSOLE_APPENDER);
    }
}
