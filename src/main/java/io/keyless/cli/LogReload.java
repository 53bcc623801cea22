package io.keyless.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.joran.ReconfigureOnChangeTask;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import ch.qos.logback.core.model.Model;
import ch.qos.logback.core.model.ModelUtil;
import ch.qos.logback.core.spi.ConfigurationEvent;
import ch.qos.logback.core.spi.ConfigurationEventListener;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.status.WarnStatus;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Keeps the command line's {@link LogSettings} in force across reconfigurations of logback, which reset the whole
 * context: when its scan finds the configuration file changed, and on SIGHUP, which re-reads the file at once.
 * Says in the log how each re-read went, since logback itself stays silent when a changed file is bad.
 *
 * <p>Between logback's reset and the settings being applied again (a few milliseconds) the file's own settings
 * hold: a line logged then may reach the console under {@code --silent} or {@code --syslog}, and access lines
 * may be missed. Logback has no hook inside that window.
 */
final class LogReload implements ConfigurationEventListener {
    /** Longest error text quoted from logback; its messages can hold a whole parser report. */
    private static final int MAX_ERROR_LENGTH = 300;

    private final LoggerContext context;
    private final URL configurationFile;
    private final Logger log;
    /** Guarded by this. */
    private LogSettings settings;

    /** When the re-read being reported began (ms since the epoch), or -1 when none is; guarded by this. */
    private long since = -1;
    private URL file;

    /**
     * @param configurationFile the file logback was told to read ({@code -Dlogback.configurationFile}), or
     *                          {@code null}: re-read on SIGHUP even when logback does not scan it
     */
    LogReload(LoggerContext context, LogSettings settings, URL configurationFile) {
        this.context = context;
        this.settings = settings;
        this.configurationFile = configurationFile;
        this.log = context.getLogger(LogReload.class);
    }

    /** Applies the settings and keeps them applied; returns why the access log cannot be opened, or null. */
    synchronized String start() {
        String problem = settings.applyTo(context);
        context.addConfigurationEventListener(this);
        return problem;
    }

    /** Stops keeping the settings applied. */
    void stop() {
        context.removeConfigurationEventListener(this);
    }

    /** Lets go of the console from now on, as {@code --daemon} does once the launcher has gone. */
    synchronized void detachConsole() {
        settings = settings.detached();
        settings.applyTo(context);
    }

    @Override
    public void listen(ConfigurationEvent event) {
        switch (event.getEventType()) {
            case CHANGE_DETECTED -> began(ConfigurationWatchListUtil.getMainWatchURL(context));
            // A file with errors may be followed by the last good one; if none is left, this is what holds.
            case CONFIGURATION_ENDED_WITH_XML_PARSING_ERRORS -> reapply();
            case CONFIGURATION_ENDED_SUCCESSFULLY -> {
                reapply();
                report();
            }
            default -> {
            }
        }
    }

    /**
     * Reads the configuration file again now, or, if it is bad, goes back to the last good one, as logback's scan
     * does; then applies the settings again, which also reopens the access log file (after logrotate moved it).
     */
    void reread() {
        URL url = ConfigurationWatchListUtil.getMainWatchURL(context);
        if (url == null) {
            url = configurationFile;
        }
        if (url == null) {
            reapply();
            log.info("logging configuration is built in, nothing to re-read");
            return;
        }

        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        Model lastGood = configurator.recallSafeConfiguration();
        long start = began(url);

        // Not serialised with logback's own scan, which has no lock to share: if it finds the same change in this
        // very moment, the two resets and configurations may interleave and attach an appender of the file twice
        // until the next re-read.
        context.reset();
        boolean parsed;
        try {
            configurator.doConfigure(url);
            parsed = !new StatusUtil(context).hasXMLParsingErrors(start);
        } catch (JoranException e) {
            parsed = false;
        }
        if (!parsed) {
            fallBack(url, lastGood);
        }
    }

    private void fallBack(URL url, Model lastGood) {
        if (lastGood == null) {
            reapply();
            report();
            return;
        }
        context.getStatusManager().add(new WarnStatus(ReconfigureOnChangeTask.FALLING_BACK_TO_SAFE_CONFIGURATION,
                this));
        context.reset();
        ModelUtil.resetForReuse(lastGood);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.setTopURL(url);
        configurator.processModel(lastGood);
        configurator.registerSafeConfiguration(lastGood);
        context.fireConfigurationEvent(ConfigurationEvent.newConfigurationEndedSuccessfullyEvent(configurator));
    }

    private synchronized long began(URL url) {
        since = System.currentTimeMillis();
        file = url;
        return since;
    }

    // Synchronized with detachConsole: logback's scan thread and the main thread may both get here.
    private synchronized void reapply() {
        String problem = settings.applyTo(context);
        if (problem != null) {
            log.warn("{}; access lines go to the main log", problem);
        }
    }

    private synchronized void report() {
        if (since < 0) {
            return;
        }
        String error = null;
        boolean fellBack = false;
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getTimestamp() < since) {
                continue;
            }
            if (ReconfigureOnChangeTask.FALLING_BACK_TO_SAFE_CONFIGURATION.equals(status.getMessage())) {
                fellBack = true;
            } else if (error == null && status.getEffectiveLevel() == Status.ERROR) {
                error = describe(status);
            }
        }

        String where = where(file);
        if (error == null) {
            log.info("logging configuration reloaded file={}", where);
        } else if (fellBack) {
            log.warn("logging configuration not reloaded, the previous one stays: file={} error=\"{}\"", where, error);
        } else {
            log.warn("logging configuration reloaded with errors file={} error=\"{}\"", where, error);
        }
        since = -1;
    }

    private static String describe(Status status) {
        Throwable cause = status.getThrowable();
        String text = cause == null || cause.getMessage() == null
                ? status.getMessage() : status.getMessage() + ": " + cause.getMessage();
        text = text.replaceAll("\\s+", " ").replace('"', '\'').strip();
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "...";
    }

    private static String where(URL url) {
        if (url == null) {
            return "-";
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI()).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                return url.toString();
            }
        }
        return url.toString();
    }
}
