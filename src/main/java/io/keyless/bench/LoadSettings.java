package io.keyless.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How to load a server: where it is, over how many connections, how hard, and for how long.
 *
 * @param depth requests kept in flight on each connection (closed loop); ignored when {@code rate} is set
 * @param rate requests per second in all (open loop), or {@code null} for a closed loop
 */
record LoadSettings(String server, int port, int connections, int depth, Double rate, double warmupSeconds,
                    double durationSeconds) {
    /** "4 connections x 16 in flight (closed loop)" or "1,000 requests/s over 4 connections (open loop)". */
    String describe() {
        return rate == null
                ? connections + " connections x " + depth + " in flight (closed loop)"
                : String.format(Locale.ROOT, "%,.0f requests/s over %d connections (open loop)", rate, connections);
    }

    Map<String, Object> toMap() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("server", server + ":" + port);
        settings.put("connections", connections);
        settings.put("depth", rate == null ? depth : null);
        settings.put("rate", rate);
        settings.put("warmup_s", warmupSeconds);
        settings.put("duration_s", durationSeconds);
        return settings;
    }
}
