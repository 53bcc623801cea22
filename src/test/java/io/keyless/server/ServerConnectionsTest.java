package io.keyless.server;

import io.keyless.client.KeylessClient;
import io.keyless.client.KeylessConnection;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.Samples;
import io.keyless.testing.Signatures;
import io.keyless.protocol.KeylessRequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.keyless.server.RunningServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Many requests on one connection, many connections at once, and a client that does not read. */
class ServerConnectionsTest {
    private static RunningServer running;
    private static LoadedKey rsa;
    private static LoadedKey ec;
    private static PublicKey ecPublic;
    private static PublicKey rsaPublic;

    @BeforeAll
    static void start() throws Exception {
        running = RunningServer.start(Samples.server().build());
        rsa = Samples.rsaKey();
        ec = Samples.ecKey();
        ecPublic = Samples.ecPublicKey();
        rsaPublic = Samples.rsaPublicKey();
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void answersAThousandPipelinedRequestsOnOneConnection() throws Exception {
        try (KeylessConnection connection = running.connect()) {
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            List<byte[]> messages = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                byte[] message = ByteBuffer.allocate(4).putInt(i).array();
                messages.add(message);
                KeylessRequest.Builder request = switch (i % 3) {
                    case 0 -> KeylessRequest.builder(KeylessOpcode.PING).payload(message);
                    case 1 -> KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(ec.ski())
                            .payload(Signatures.hash(KeylessOpcode.ECDSA_SIGN_SHA256.hash(), message));
                    default -> KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).digest(rsa.digest())
                            .payload(Signatures.hash(KeylessOpcode.RSA_SIGN_SHA256.hash(), message));
                };
                responses.add(connection.queue(request.id(i).build()));
            }
            connection.flush();

            for (int i = 0; i < 1000; i++) {
                KeylessResponse response = await(responses.get(i));
                assertThat(response.id()).isEqualTo(i);
                byte[] payload = ByteBufUtil.getBytes(response.payload());
                if (i % 3 == 0) {
                    assertThat(payload).isEqualTo(messages.get(i));
                } else if (i % 3 == 1) {
                    assertThat(Signatures.verifies(KeylessOpcode.ECDSA_SIGN_SHA256, ecPublic, messages.get(i),
                            payload)).isTrue();
                } else {
                    assertThat(Signatures.verifies(KeylessOpcode.RSA_SIGN_SHA256, rsaPublic, messages.get(i),
                            payload)).isTrue();
                }
            }
            assertThat(connection.pending()).isZero();
            assertThat(connection.unmatchedResponses()).isZero();
        }
    }

    @Test
    void servesTwentyConnectionsAtOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> answered = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                answered.add(clients.submit(() -> {
                    try (KeylessConnection connection = running.connect()) {
                        List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            responses.add(connection.send(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256)
                                    .digest(ec.digest()).payload(new byte[32])));
                        }
                        int ok = 0;
                        for (CompletableFuture<KeylessResponse> response : responses) {
                            ok += await(response).opcode() == KeylessOpcode.RESPONSE ? 1 : 0;
                        }
                        return ok;
                    }
                }));
            }
            for (Future<Integer> count : answered) {
                assertThat(count.get()).isEqualTo(50);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void acceptsTheRsaClientCertificate() throws Exception {
        try (KeylessClient client = Samples.client().clientCertificate(Samples.CLIENT_RSA_CERT,
                Samples.CLIENT_RSA_KEY).build();
             KeylessConnection connection = client.connect("127.0.0.1", running.port())) {
            assertThat(await(connection.send(KeylessRequest.builder(KeylessOpcode.PING))).opcode())
                    .isEqualTo(KeylessOpcode.PONG);
        }
    }

    @Test
    void refusesInputsThatCannotFitBeforeTheyReachTheQueue() throws Exception {
        try (RunningServer small = RunningServer.start(Samples.server().workers(1).maxQueued(1).build());
             KeylessConnection connection = small.connect()) {
            List<CompletableFuture<KeylessResponse>> misfits = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                connection.queue(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA512).id(2 * i).ski(rsa.ski())
                        .payload(new byte[64]).build());
                misfits.add(connection.queue(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT).id(2 * i + 1)
                        .ski(rsa.ski()).payload(new byte[60000]).build()));
            }
            connection.flush();

            for (CompletableFuture<KeylessResponse> misfit : misfits) {
                assertThat(await(misfit).error()).isEqualTo(KeylessError.CRYPTO_FAILED);
            }
        }
    }

    @Test
    void stopsReadingFromAClientThatDoesNotReadItsAnswersAndLosesNone() throws Exception {
        int pings = 50_000;
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < pings; i++) {
            ByteBuf frame = KeylessRequestEncoder.encode(UnpooledByteBufAllocator.DEFAULT,
                    KeylessRequest.builder(KeylessOpcode.PING).id(i).build());
            frames.writeBytes(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        try (RunningServer fresh = RunningServer.start(Samples.server().build());
             RawTlsClient client = new RawTlsClient(fresh.port())) {
            byte[] records = client.encrypt(frames.toByteArray());
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                Future<?> written = writer.submit(() -> {
                    client.writeEncrypted(records);
                    return null;
                });

                // Unread answers fill the socket buffers; then the server must stop taking requests.
                long received;
                long before;
                do {
                    before = fresh.server.getRequestsReceived();
                    Thread.sleep(500);
                    received = fresh.server.getRequestsReceived();
                } while (received != before);
                assertThat(received).isLessThan(pings);

                int answers = 0;
                while (answers < pings) {
                    byte[] record = client.readRecord();
                    answers += record.length / 1027;
                }
                written.get(30, TimeUnit.SECONDS);
                assertThat(answers).isEqualTo(pings);
                assertThat(fresh.server.getRequestsReceived()).isEqualTo(pings);
            } finally {
                writer.shutdownNow();
            }
        }
    }
}
