package io.keyless.testclient;

import io.keyless.client.KeylessConnection;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs every case in four ways, as connections are used in practice: each on its own connection, all on one,
 * interleaved over two at once, and all on one that is dropped and reopened halfway.
 */
final class SuiteRunner {
    enum Mode {
        OWN_CONNECTION("own connection"),
        ONE_CONNECTION("one connection"),
        TWO_CONNECTIONS("two connections"),
        RECONNECT("reconnect midway");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** How one case went in one mode. */
    record Result(Mode mode, String name, boolean passed, String detail, long millis) {
    }

    /** Opens connections to the server under test. */
    @FunctionalInterface
    interface Connector {
        KeylessConnection open() throws IOException;
    }

    private final Connector connector;
    private final PrintWriter debug;
    private final PrintWriter progress;

    /**
     * @param debug where {@code --debug} prints every exchange, or {@code null}
     * @param progress where one line per result goes as it happens, or {@code null}
     */
    SuiteRunner(Connector connector, PrintWriter debug, PrintWriter progress) {
        this.connector = connector;
        this.debug = debug;
        this.progress = progress;
    }

    List<Result> run(List<TestCase> cases) throws InterruptedException {
        List<Result> results = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            results.addAll(switch (mode) {
                case OWN_CONNECTION -> ownConnections(cases);
                case ONE_CONNECTION -> shared(mode, cases, cases.size());
                case TWO_CONNECTIONS -> interleaved(cases);
                case RECONNECT -> shared(mode, cases, cases.size() / 2);
            });
        }
        return results;
    }

    private List<Result> ownConnections(List<TestCase> cases) {
        List<Result> results = new ArrayList<>();
        for (TestCase testCase : cases) {
            Lane lane = new Lane(Mode.OWN_CONNECTION);
            results.add(lane.run(testCase));
            lane.close();
        }
        return results;
    }

    /** All cases on one connection, replaced by a new one before case number {@code reconnectAt}. */
    private List<Result> shared(Mode mode, List<TestCase> cases, int reconnectAt) {
        List<Result> results = new ArrayList<>();
        Lane lane = new Lane(mode);
        for (int i = 0; i < cases.size(); i++) {
            if (i == reconnectAt) {
                lane.close();
            }
            results.add(lane.run(cases.get(i)));
        }
        lane.close();
        return results;
    }

    private List<Result> interleaved(List<TestCase> cases) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Result>>> halves = new ArrayList<>();
            for (int half = 0; half < 2; half++) {
                int first = half;
                halves.add(threads.submit(() -> {
                    List<Result> results = new ArrayList<>();
                    Lane lane = new Lane(Mode.TWO_CONNECTIONS);
                    for (int i = first; i < cases.size(); i += 2) {
                        results.add(lane.run(cases.get(i)));
                    }
                    lane.close();
                    return results;
                }));
            }
            List<Result> results = new ArrayList<>();
            for (Future<List<Result>> half : halves) {
                results.addAll(half.get());
            }
            return results;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a case runner failed", e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    /** One connection that cases run on in turn; reopened when a case finds it closed. */
    private final class Lane {
        private final Mode mode;
        private KeylessConnection connection;

        Lane(Mode mode) {
            this.mode = mode;
        }

        Result run(TestCase testCase) {
            long start = System.nanoTime();
            Result result;
            try {
                if (connection == null || !connection.isOpen()) {
                    connection = connector.open();
                }
                testCase.body().run(new CaseContext(connection, debug));
                result = new Result(mode, testCase.name(), true, "", elapsed(start));
            } catch (CaseFailure e) {
                result = new Result(mode, testCase.name(), false, e.getMessage(), elapsed(start));
            } catch (IOException e) {
                result = new Result(mode, testCase.name(), false, "cannot connect: " + e.getMessage(),
                        elapsed(start));
            } catch (Exception e) {
                result = new Result(mode, testCase.name(), false, e.toString(), elapsed(start));
            }
            report(result);
            return result;
        }

        void close() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }

    private void report(Result result) {
        if (progress != null) {
            synchronized (progress) {
                progress.println(format(result));
                progress.flush();
            }
        }
    }

    static String format(Result result) {
        return String.format("%-4s %-16s %s (%d ms)%s", result.passed() ? "ok" : "FAIL", result.mode().label,
                result.name(), result.millis(), result.passed() ? "" : ": " + result.detail());
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
