package io.keyless.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Routes SIGTERM and SIGINT to a graceful stop and SIGHUP to a key reload. Without a handler the JVM dies of SIGHUP
 * (exit 129) and exits 143 on SIGTERM; with these it stops cleanly and exits 0.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void onStop(Runnable action) {
        handle("TERM", action);
        handle("INT", action);
    }

    static void onReload(Runnable action) {
        handle("HUP", action);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
        } catch (IllegalArgumentException e) {
            // The JVM refuses signals that were ignored when it started, as a shell does for SIGINT of a
            // background job; the other signals still work.
            log.debug("signal {} not handled: {}", name, e.getMessage());
        }
    }
}
