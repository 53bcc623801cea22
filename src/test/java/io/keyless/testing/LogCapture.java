package io.keyless.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Collects what one logger (and its children) logs while a test runs, from any thread. */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> withThrowable = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getLevel() + " " + event.getFormattedMessage();
            lines.add(line);
            if (event.getThrowableProxy() != null) {
                withThrowable.add(line);
            }
        }
    };

    private LogCapture(String name, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        this.previousLevel = logger.getLevel();
        logger.setLevel(level);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> type) {
        return new LogCapture(type.getName(), Level.DEBUG);
    }

    public static LogCapture of(String name, Level level) {
        return new LogCapture(name, level);
    }

    /** Every event so far as {@code LEVEL message}, with arguments filled in. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The {@link #lines()} of events that carry an exception, and so print its stack trace. */
    public List<String> linesWithStackTraces() {
        return List.copyOf(withThrowable);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
