package io.keyless.cli;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Applies {@code --silent}, {@code --verbose}, {@code --syslog} and {@code --access-log} to the logging
 * configuration that logback read at start (the jar's {@code logback.xml}, or the operator's through
 * {@code -Dlogback.configurationFile}), and keeps them applied when that file is read again.
 */
final class LogSetup {
    private static final Logger log = LoggerFactory.getLogger(LogSetup.class);

    /** The settings kept applied; guarded by the class. */
    private static LogReload current;

    private LogSetup() {
    }

    /** Returns why the access log file cannot be opened (a start-up error), or {@code null}. */
    static synchronized String apply(boolean silent, boolean verbose, boolean syslog, Path accessLog) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        if (current != null) {
            current.stop();
        }
        current = new LogReload(context, new LogSettings(silent, verbose, syslog, accessLog, false),
                configurationFile());
        String problem = current.start();
        if (problem == null && accessLog != null && !verbose) {
            log.info("access log off: --access-log {} takes effect with --verbose", accessLog);
        }
        return problem;
    }

    /** Stops writing to the terminal the launcher has left behind; syslog, if on, goes on. */
    static synchronized void detachConsole() {
        if (current != null) {
            current.detachConsole();
        }
    }

    /** Re-reads the logging configuration file and reopens the access log file: part of SIGHUP. */
    static synchronized void reread() {
        if (current != null) {
            current.reread();
        }
    }

    /** The file {@code -Dlogback.configurationFile} names, or {@code null} when logback uses the built-in one. */
    private static URL configurationFile() {
        String value = System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(value);
            // One letter would be a Windows drive, not a scheme.
            if (uri.getScheme() != null && uri.getScheme().length() > 1) {
                return uri.toURL();
            }
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            // Not a URL: a path, as it usually is.
        }
        Path path = Path.of(value);
        try {
            return Files.isRegularFile(path) ? path.toAbsolutePath().toUri().toURL() : null;
        } catch (MalformedURLException e) {
            return null;
        }
    }
}
