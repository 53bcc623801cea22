package io.keyless.server;

import io.keyless.client.KeylessConnection;
import io.keyless.crypto.CryptoProviders;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.FaultInjectingProvider;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.keyless.server.RunningServer.await;
import static io.keyless.server.RunningServer.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each resource limit: hit, logged, and harmless to every client within it. */
class ServerLimitsTest {
    private static final LoadedKey EC = Samples.ecKey();

    @Test
    void refusesConnectionsBeyondTheLimitAndAdmitsOneAgainWhenAnotherCloses() throws Exception {
        try (LogCapture log = LogCapture.of(KeylessChannelInitializer.class);
             RunningServer running = RunningServer.start(Samples.server().maxConnections(2).build())) {
            KeylessConnection first = running.connect();
            KeylessConnection second = running.connect();
            assertPong(first);
            assertPong(second);

            assertThatThrownBy(running::connect).isInstanceOf(IOException.class);
            assertThat(log.lines()).contains("WARN limit hit: connection refused max_connections=2 times=1");
            assertPong(first);

            first.close();
            awaitTrue(() -> running.server.getConnections() == 1);
            try (KeylessConnection third = running.connect()) {
                assertPong(third);
            }
            assertPong(second);
            second.close();
        }
    }

    @Test
    void closesAConnectionStalledInTheMiddleOfARequest() throws Exception {
        try (LogCapture log = LogCapture.of(KeylessRequestHandler.class);
             RunningServer running = RunningServer.start(Samples.server().idleTimeout(Duration.ofMillis(300)).build());
             RawTlsClient stalled = new RawTlsClient(running.port())) {
            // The header of a ping promising a body of 7 bytes, and nothing more.
            stalled.write(new byte[] {1, 0, 0, 7, 0, 0, 0, 1, 0x11});

            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                while (true) {
                    stalled.readRecord();
                }
            }).isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            awaitTrue(() -> log.lines().stream().anyMatch(line ->
                    line.startsWith("INFO") && line.contains("closed: idle timeout, partial_request_bytes=9")));
        }
    }

    @Test
    void keepsASilentConnectionWhoseAnswerIsStillBeingWorkedOn() throws Exception {
        try (RunningServer running = RunningServer.start(Samples.server()
                .cryptoProviders(CryptoProviders.using("faulty", new FaultInjectingProvider()))
                .idleTimeout(Duration.ofMillis(200)).build());
             KeylessConnection connection = running.connect()) {
            // Signing this digest takes a second: five idle timeouts with nothing on the wire.
            byte[] digest = new byte[32];
            digest[0] = FaultInjectingProvider.STALL;
            digest[1] = 10;
            KeylessResponse response = await(connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256)
                    .ski(EC.ski()).payload(digest)));

            assertThat(response.error()).isNull();
            Signature verifier = Signature.getInstance("NONEwithECDSA");
            verifier.initVerify(Samples.ecPublicKey());
            verifier.update(digest);
            assertThat(verifier.verify(ByteBufUtil.getBytes(response.payload()))).isTrue();
            assertPong(connection);
        }
    }

    @Test
    void closesAClientThatNeverCompletesItsHandshake() throws Exception {
        try (LogCapture log = LogCapture.of(ConnectionEvents.class);
             RunningServer running = RunningServer.start(Samples.server()
                     .handshakeTimeout(Duration.ofMillis(300)).build());
             Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", running.port()));
            silent.setSoTimeout(10_000);
            InputStream in = silent.getInputStream();
            long start = System.nanoTime();

            readUntilClosed(in);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            awaitTrue(() -> log.lines().stream().anyMatch(line -> line.startsWith("INFO")
                    && line.contains("handshake failed reason=\"handshake timed out after 300ms")));
            try (KeylessConnection connection = running.connect()) {
                assertPong(connection);
            }
        }
    }

    @Test
    void pausesReadingAtMaxPendingAndAnswersEveryRequest() throws Exception {
        try (LogCapture log = LogCapture.of(RequestServices.class);
             RunningServer running = RunningServer.start(Samples.server().workers(1).maxPending(8).build());
             KeylessConnection connection = running.connect()) {
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                responses.add(connection.queue(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).id(i)
                        .ski(EC.ski()).payload(new byte[32]).build()));
            }
            connection.flush();

            for (int i = 0; i < responses.size(); i++) {
                KeylessResponse response = await(responses.get(i));
                assertThat(response.id()).isEqualTo(i);
                assertThat(response.error()).isNull();
            }
            assertThat(log.lines()).anyMatch(line -> line.startsWith("INFO limit hit: a connection has "
                    + "max_pending=8 requests unanswered"));
        }
    }

    /**
     * Reads (a TLS alert, or nothing) until the server closes the connection; a read timeout fails the test with
     * {@link java.net.SocketTimeoutException}.
     */
    private static void readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // what the server sends before it closes does not matter here
            }
        } catch (java.net.SocketException reset) {
            // A reset is a close too.
        }
    }

    private static void assertPong(KeylessConnection connection) {
        byte[] echo = "still here".getBytes();
        KeylessResponse pong = await(connection.send(KeylessRequest.builder(KeylessOpcode.PING).payload(echo)));
        assertThat(pong.opcode()).isEqualTo(KeylessOpcode.PONG);
        assertThat(Arrays.equals(ByteBufUtil.getBytes(pong.payload()), echo)).isTrue();
    }
}
