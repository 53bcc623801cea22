package io.keyless.server;

import io.keyless.client.KeylessConnection;
import io.keyless.crypto.CryptoProviders;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.KeyRefusingProvider;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.keyless.testing.Signatures;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.keyless.server.RunningServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Every opcode and every error code over a real mutually authenticated TLS connection. */
class ServerOperationsTest {
    private static RunningServer running;
    private static KeylessConnection connection;
    private static LoadedKey rsa;
    private static LoadedKey ec;
    private static PublicKey rsaPublic;
    private static PublicKey ecPublic;

    @BeforeAll
    static void start() throws Exception {
        running = RunningServer.start(Samples.server().build());
        connection = running.connect();
        rsa = Samples.rsaKey();
        ec = Samples.ecKey();
        rsaPublic = Samples.rsaPublicKey();
        ecPublic = Samples.ecPublicKey();
    }

    @AfterAll
    static void stop() {
        connection.close();
        running.close();
    }

    static Stream<Arguments> signingOpcodesByKeyName() {
        List<Arguments> cases = new ArrayList<>();
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            if (opcode.hash() != null) {
                cases.add(Arguments.of(opcode, "SKI"));
                cases.add(Arguments.of(opcode, "digest"));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("signingOpcodesByKeyName")
    void signsWithTheKeyTheRequestNames(KeylessOpcode opcode, String by) {
        boolean isRsa = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN;
        LoadedKey key = isRsa ? rsa : ec;
        byte[] message = ("handshake transcript " + opcode).getBytes(StandardCharsets.US_ASCII);
        KeylessRequest.Builder request = KeylessRequest.builder(opcode)
                .payload(Signatures.hash(opcode.hash(), message));
        if (by.equals("SKI")) {
            request.ski(key.ski());
        } else {
            request.digest(key.digest());
        }

        KeylessResponse response = await(connection.send(request));

        assertThat(response.opcode()).isEqualTo(KeylessOpcode.RESPONSE);
        byte[] signature = ByteBufUtil.getBytes(response.payload());
        assertThat(Signatures.verifies(opcode, isRsa ? rsaPublic : ecPublic, message, signature)).isTrue();
    }

    @Test
    void decryptsAPremasterSecret() {
        byte[] premaster = new byte[48];
        premaster[0] = 3;
        premaster[1] = 3;
        Arrays.fill(premaster, 2, 48, (byte) 0x42);

        KeylessResponse response = await(connection.send(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT)
                .digest(rsa.digest())
                .payload(Signatures.encrypt(rsaPublic, premaster))));

        assertThat(response.opcode()).isEqualTo(KeylessOpcode.RESPONSE);
        assertThat(ByteBufUtil.getBytes(response.payload())).isEqualTo(premaster);
    }

    @Test
    void rawDecryptReturnsTheWholePaddedBlock() {
        byte[] premaster = new byte[48];
        KeylessResponse response = await(connection.send(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT_RAW)
                .ski(rsa.ski())
                .payload(Signatures.encrypt(rsaPublic, premaster))));

        byte[] block = ByteBufUtil.getBytes(response.payload());
        assertThat(block).hasSize(256);
        assertThat(block[0]).isZero();
        assertThat(block[1]).isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(block, 256 - 49, 256)).isEqualTo(new byte[49]);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 30000})
    void echoesAPingPayloadInAPong(int length) {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 7);

        KeylessResponse response = await(connection.send(KeylessRequest.builder(KeylessOpcode.PING)
                .payload(payload)));

        assertThat(response.opcode()).isEqualTo(KeylessOpcode.PONG);
        assertThat(ByteBufUtil.getBytes(response.payload())).isEqualTo(payload);
    }

    @Test
    void answersCryptoFailedForAHashOfTheWrongLength() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(rsa.ski()).payload(new byte[31]),
                KeylessError.CRYPTO_FAILED);
    }

    @Test
    void answersCryptoFailedForAnRsaOpcodeOnAnEcKey() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).ski(ec.ski()).payload(new byte[32]),
                KeylessError.CRYPTO_FAILED);
    }

    @Test
    void answersCryptoFailedForAnEcdsaOpcodeOnAnRsaKey() {
        assertError(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(rsa.ski()).payload(new byte[32]),
                KeylessError.CRYPTO_FAILED);
    }

    @Test
    void answersCryptoFailedForBadPadding() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT).ski(rsa.ski()).payload(new byte[256]),
                KeylessError.CRYPTO_FAILED);
    }

    @Test
    void answersCryptoFailedForACiphertextLongerThanTheModulus() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_DECRYPT_RAW).ski(rsa.ski()).payload(new byte[257]),
                KeylessError.CRYPTO_FAILED);
    }

    @Test
    void answersKeyNotFoundForAnUnknownSki() {
        assertError(KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).ski(new byte[20]).payload(new byte[32]),
                KeylessError.KEY_NOT_FOUND);
    }

    @Test
    void answersKeyNotFoundForAnUnknownDigest() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA1).digest(new byte[32]).payload(new byte[20]),
                KeylessError.KEY_NOT_FOUND);
    }

    @Test
    void answersVersionMismatchAndTheRequestBehindIt() {
        byte[] v2 = {2, 0, 0, 5, 0, 0, 0x10, 0x01, 0x11, 0, 1, (byte) 0xF1, 0};
        byte[] v1 = {1, 0, 0, 7, 0, 0, 0x10, 0x02, 0x11, 0, 1, (byte) 0xF1, 0x12, 0, 0};
        byte[] both = Arrays.copyOf(v2, v2.length + v1.length);
        System.arraycopy(v1, 0, both, v2.length, v1.length);

        var next = connection.expect(0x1002);
        var refused = connection.sendRaw(0x1001, both);

        assertThat(await(refused).error()).isEqualTo(KeylessError.VERSION_MISMATCH);
        assertThat(await(next).opcode()).isEqualTo(KeylessOpcode.PONG);
    }

    @Test
    void answersBadOpcodeForAnUnknownOpcode() {
        assertError(KeylessRequest.builder((byte) 0x35).ski(rsa.ski()).payload(new byte[32]),
                KeylessError.BAD_OPCODE);
    }

    @ParameterizedTest
    @EnumSource(value = KeylessOpcode.class, names = {"RESPONSE", "PONG", "ERROR"})
    void answersUnexpectedOpcodeForAReplyOpcode(KeylessOpcode opcode) {
        assertError(KeylessRequest.builder(opcode).payload(new byte[1]), KeylessError.UNEXPECTED_OPCODE);
    }

    @Test
    void answersFormatErrorForAnEmptyBody() {
        assertThat(await(connection.sendRaw(0x2001, new byte[] {1, 0, 0, 0, 0, 0, 0x20, 0x01})).error())
                .isEqualTo(KeylessError.FORMAT_ERROR);
    }

    @Test
    void answersFormatErrorForATruncatedItem() {
        byte[] frame = {1, 0, 0, 6, 0, 0, 0x20, 0x02, 0x11, 0, 1, (byte) 0xF1, 0x12, 0};
        assertThat(await(connection.sendRaw(0x2002, frame)).error()).isEqualTo(KeylessError.FORMAT_ERROR);
    }

    @Test
    void answersFormatErrorForAMissingPayload() {
        byte[] frame = {1, 0, 0, 4, 0, 0, 0x20, 0x03, 0x11, 0, 1, (byte) 0xF1};
        assertThat(await(connection.sendRaw(0x2003, frame)).error()).isEqualTo(KeylessError.FORMAT_ERROR);
    }

    @Test
    void answersFormatErrorForAKeyOperationNamingNoKey() {
        assertError(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).payload(new byte[32]),
                KeylessError.FORMAT_ERROR);
    }

    @Test
    void answersReadErrorWhenTheProviderCannotUseTheKey() throws Exception {
        try (RunningServer refusing = RunningServer.start(Samples.server()
                .cryptoProviders(CryptoProviders.using("refusing", new KeyRefusingProvider())).build());
             KeylessConnection other = refusing.connect()) {
            KeylessResponse response = await(other.send(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                    .ski(rsa.ski()).payload(new byte[32])));

            assertThat(response.error()).isEqualTo(KeylessError.READ_ERROR);
        }
    }

    @Test
    void answersInternalErrorWhenTheWorkQueueIsFull() throws Exception {
        // One worker kept busy and a queue of one: a burst must overflow it.
        try (LogCapture log = LogCapture.of(WorkerPool.class);
             RunningServer small = RunningServer.start(Samples.server().workers(1).maxQueued(1).build());
             KeylessConnection other = small.connect()) {
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                responses.add(other.queue(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256).id(i)
                        .ski(rsa.ski()).payload(new byte[32]).build()));
            }
            other.flush();

            List<KeylessError> errors = responses.stream().map(RunningServer::await).map(KeylessResponse::error)
                    .toList();
            assertThat(errors).contains(KeylessError.INTERNAL_ERROR).containsNull();
            assertThat(errors).containsOnly(KeylessError.INTERNAL_ERROR, null);
            assertThat(log.lines()).anyMatch(line -> line.startsWith(
                    "WARN limit hit: worker queue full, answering INTERNAL_ERROR max_queued=1 times="));
        }
    }

    @Test
    void keepsTheConnectionOpenAfterErrors() {
        assertError(KeylessRequest.builder((byte) 0x99).payload(new byte[1]), KeylessError.BAD_OPCODE);
        KeylessResponse pong = await(connection.send(KeylessRequest.builder(KeylessOpcode.PING)));
        assertThat(pong.opcode()).isEqualTo(KeylessOpcode.PONG);
        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.unmatchedResponses()).isZero();
    }

    private static void assertError(KeylessRequest.Builder request, KeylessError error) {
        KeylessResponse response = await(connection.send(request));
        assertThat(response.opcode()).isEqualTo(KeylessOpcode.ERROR);
        assertThat(response.error()).isEqualTo(error);
    }
}
