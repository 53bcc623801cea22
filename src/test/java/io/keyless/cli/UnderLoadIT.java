package io.keyless.cli;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessRequestEncoder;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.KeylessProcess;
import io.keyless.testing.Samples;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping and reloading the packaged server while it signs as fast as it can. */
class UnderLoadIT {
    private static final Duration START = Duration.ofSeconds(30);
    private static final LoadedKey RSA = Samples.rsaKey();
    private static final LoadedKey EC = Samples.ecKey();

    @TempDir
    Path dir;

    @Test
    void sigtermUnderLoadAnswersEveryRequestTheServerReceived() throws Exception {
        int port = KeylessProcess.freePort();
        try (KeylessProcess server = KeylessProcess.start(dir, KeylessProcess.sampleFlags(port));
             KeylessClient client = Samples.client().threads(2).build()) {
            server.awaitOutput("listening", START);
            Load load = Load.start(client, port, 16, 32);
            load.awaitAnswers(2000);

            server.signal("TERM");

            assertThat(server.waitFor(Duration.ofSeconds(30))).isZero();
            load.awaitSettled();
            String log = server.stdout();
            Matcher stopped = Pattern.compile("stopped requests_received=(\\d+) unanswered=(\\d+)").matcher(log);
            assertThat(stopped.find()).as(log).isTrue();
            assertThat(Long.parseLong(stopped.group(2))).isZero();
            // Every request the server took in came back answered; the rest were still in the client's hands.
            assertThat(load.answered()).isEqualTo(Long.parseLong(stopped.group(1)));
            assertThat(load.errors()).isEmpty();
            assertThat(load.failedByClose()).isPositive();
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceWithoutWaitingForRequestsInFlight() throws Exception {
        Path pid = dir.resolve("keyless.pid");
        try (KeylessProcess server = startWithBacklog(pid, "--shutdown-timeout", "60s");
             KeylessClient client = Samples.newClient()) {
            queueSlowWork(client, server.port());

            server.signal("TERM");
            server.awaitOutput("stopping connections=1", START);
            Thread.sleep(300);
            assertThat(server.isAlive()).isTrue();
            long start = System.nanoTime();
            server.signal("TERM");

            assertThat(server.waitFor(Duration.ofSeconds(10))).isOne();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.stdout()).contains("second stop signal; exiting without waiting for requests in flight");
            assertThat(pid).doesNotExist();
        }
    }

    @Test
    void theShutdownTimeoutBoundsTheWaitForRequestsInFlight() throws Exception {
        Path pid = dir.resolve("keyless.pid");
        try (KeylessProcess server = startWithBacklog(pid, "--shutdown-timeout", "1s");
             KeylessClient client = Samples.newClient()) {
            queueSlowWork(client, server.port());
            long start = System.nanoTime();

            server.signal("TERM");

            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(server.stdout()).containsPattern("stopping with requests unanswered in_flight=\\d+ after "
                    + "grace_ms=1000").containsPattern("stopped requests_received=\\d+ unanswered=[1-9]");
            assertThat(pid).doesNotExist();
        }
    }

    @Test
    void reloadsUnderFullLoadFailNoRequestAndABadFileKeepsTheOldKeys() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        for (Path sample : List.of(Samples.RSA_KEY, Samples.EC_KEY)) {
            Files.copy(sample, keys.resolve(sample.getFileName()));
        }
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.set(flags.indexOf("--private-key-directory") + 1, keys.toString());

        try (KeylessProcess server = KeylessProcess.start(dir, flags);
             KeylessClient client = Samples.client().threads(2).build()) {
            server.awaitOutput("listening", START);
            Load load = Load.start(client, port, 8, 32);
            load.awaitAnswers(1000);

            for (int i = 1; i <= 5; i++) {
                server.signal("HUP");
                awaitCount(server, "keys reloaded count=2", i);
                load.awaitAnswers(load.answered() + 500);
            }
            Files.writeString(keys.resolve("zz-broken.key"), "not a key");
            server.signal("HUP");
            server.awaitOutput("still serving the 2 keys", START);
            load.awaitAnswers(load.answered() + 500);
            long answeredBefore = load.answered();
            load.stop();

            assertThat(load.errors()).isEmpty();
            assertThat(load.failedByClose()).isZero();
            assertThat(answeredBefore).isGreaterThan(4000);
            assertThat(server.stdout()).contains("reload failed file=" + keys.resolve("zz-broken.key")
                    + " reason=\"no PEM private key found\"");
            server.signal("TERM");
            assertThat(server.waitFor(Duration.ofSeconds(20))).isZero();
        }
    }

    /** A server with one worker and room for a long queue on one connection. */
    private KeylessProcess startWithBacklog(Path pid, String... extra) throws Exception {
        int port = KeylessProcess.freePort();
        List<String> flags = KeylessProcess.sampleFlags(port);
        flags.addAll(List.of("--num-workers", "1", "--max-pending", "100000", "--pid-file", pid.toString()));
        flags.addAll(List.of(extra));
        KeylessProcess server = KeylessProcess.start(dir, flags);
        server.awaitOutput("listening", START);
        return server.withPort(port);
    }

    /**
     * Twenty thousand RSA signatures queued behind one worker: seconds of work, received and waiting when the test
     * stops the server.
     */
    private static void queueSlowWork(KeylessClient client, int port) throws Exception {
        KeylessConnection connection = client.connect("127.0.0.1", port);
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        List<CompletableFuture<KeylessResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuf frame = KeylessRequestEncoder.encode(UnpooledByteBufAllocator.DEFAULT,
                    KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(i).ski(RSA.ski())
                            .payload(new byte[32]).build());
            frames.writeBytes(ByteBufUtil.getBytes(frame));
            frame.release();
            answers.add(connection.expect(i));
        }
        // One write: every request is on its way before the first answer comes back.
        assertThat(connection.sendRawUnanswered(frames.toByteArray()).await(10, TimeUnit.SECONDS)).isTrue();
        answers.get(0).get(10, TimeUnit.SECONDS);
        Thread.sleep(200);
    }

    private static void awaitCount(KeylessProcess server, String text, int count) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.stdout().split(Pattern.quote(text), -1).length - 1 >= count) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + count + " lines with '" + text + "'");
    }

    /**
     * Closed-loop signing on several connections: each answer sends the next request, alternating RSA and ECDSA,
     * until stopped or until the server closes the connection.
     */
    private static final class Load {
        private final List<KeylessConnection> connections = new ArrayList<>();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final LongAdder answered = new LongAdder();
        private final LongAdder failedByClose = new LongAdder();
        private final AtomicInteger outstanding = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

        static Load start(KeylessClient client, int port, int connections, int depth) throws Exception {
            Load load = new Load();
            for (int c = 0; c < connections; c++) {
                KeylessConnection connection = client.connect("127.0.0.1", port);
                load.connections.add(connection);
                for (int i = 0; i < depth; i++) {
                    load.send(connection, i % 2 == 0);
                }
            }
            return load;
        }

        private void send(KeylessConnection connection, boolean rsa) {
            if (stopping.get()) {
                return;
            }
            outstanding.incrementAndGet();
            KeylessRequest.Builder request = rsa
                    ? KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(RSA.ski()).payload(new byte[32])
                    : KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(EC.ski()).payload(new byte[32]);
            connection.send(request).whenComplete((response, failure) -> {
                if (failure != null) {
                    failedByClose.increment();
                } else if (response.error() != null) {
                    errors.add(response.error().name());
                } else {
                    answered.increment();
                    send(connection, rsa);
                }
                outstanding.decrementAndGet();
            });
        }

        long answered() {
            return answered.sum();
        }

        long failedByClose() {
            return failedByClose.sum();
        }

        List<String> errors() {
            return List.copyOf(errors);
        }

        void awaitAnswers(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(answered()).isGreaterThanOrEqualTo(count);
        }

        /** Waits until nothing is outstanding: every request answered, or failed with its connection. */
        void awaitSettled() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(outstanding.get()).isZero();
        }

        /** Stops sending, lets every request in flight be answered, and closes the connections. */
        void stop() throws InterruptedException {
            stopping.set(true);
            awaitSettled();
            connections.forEach(KeylessConnection::close);
        }
    }
}
