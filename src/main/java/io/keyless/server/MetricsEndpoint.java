package io.keyless.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The plain-HTTP side port for monitoring: {@code /metrics} in whichever Prometheus format the scraper asks for, and
 * {@code /health}, which answers 200 only while the server is fit to serve. One thread: scrapes come seconds apart.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer http;
    private final ExecutorService thread;

    private MetricsEndpoint(HttpServer http, ExecutorService thread) {
        this.http = http;
        this.thread = thread;
    }

    /**
     * Starts listening.
     *
     * @param health {@code null} when the server is healthy, else the reason it is not
     */
    static MetricsEndpoint start(InetSocketAddress address, PrometheusRegistry registry, Supplier<String> health)
            throws IOException {
        HttpServer http = HttpServer.create(address, 16);
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "keyless-metrics");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.createContext("/metrics", new MetricsHandler(registry));
        http.createContext("/health", exchange -> {
            String problem = health.get();
            reply(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : problem + "\n");
        });
        http.createContext("/", exchange -> reply(exchange, 404, "not found: try /metrics or /health\n"));
        http.start();
        return new MetricsEndpoint(http, thread);
    }

    InetSocketAddress localAddress() {
        return http.getAddress();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
    }
}
