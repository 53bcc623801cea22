package io.keyless.server;

import io.keyless.client.KeylessConnection;
import io.keyless.crypto.CryptoProviders;
import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.FaultInjectingProvider;
import io.keyless.testing.LogCapture;
import io.keyless.testing.Samples;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.keyless.server.RunningServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A provider that throws fails the request it was working on, and nothing else. */
class FailureIsolationTest {
    private static final LoadedKey EC = Samples.ecKey();
    private static final LoadedKey RSA = Samples.rsaKey();

    @Test
    void aProviderExceptionFailsOnlyItsOwnRequest() throws Exception {
        try (LogCapture log = LogCapture.of(KeylessRequestHandler.class);
             RunningServer running = RunningServer.start(Samples.server().workers(2)
                     .cryptoProviders(CryptoProviders.using("faulty", new FaultInjectingProvider())).build());
             KeylessConnection connection = running.connect();
             KeylessConnection bystander = running.connect()) {
            // Every third request makes the provider throw; the rest are good signatures on both connections.
            List<CompletableFuture<KeylessResponse>> responses = new ArrayList<>();
            List<CompletableFuture<KeylessResponse>> bystanders = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                responses.add(connection.queue(ecdsa(i, i % 3 == 0 ? FaultInjectingProvider.FAIL : 0)));
                bystanders.add(bystander.queue(ecdsa(i, (byte) 0)));
            }
            connection.flush();
            bystander.flush();

            Signature verifier = Signature.getInstance("NONEwithECDSA");
            verifier.initVerify(Samples.ecPublicKey());
            for (int i = 0; i < 300; i++) {
                KeylessResponse response = await(responses.get(i));
                assertThat(response.id()).isEqualTo(i);
                if (i % 3 == 0) {
                    assertThat(response.error()).isEqualTo(KeylessError.INTERNAL_ERROR);
                } else {
                    assertThat(response.error()).isNull();
                    verifier.update(digest(i, (byte) 0));
                    assertThat(verifier.verify(ByteBufUtil.getBytes(response.payload()))).isTrue();
                }
                assertThat(await(bystanders.get(i)).error()).isNull();
            }

            // The connection, the workers and RSA on the same provider all carry on.
            assertThat(connection.isOpen()).isTrue();
            for (int i = 0; i < 20; i++) {
                assertThat(await(connection.send(KeylessRequest.builder(KeylessOpcode.RSA_SIGN_SHA256)
                        .ski(RSA.ski()).payload(new byte[32]))).error()).isNull();
            }
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN operation failed key=p256.key"))
                    .hasSize(100);
        }
    }

    private static KeylessRequest ecdsa(int id, byte first) {
        return KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).id(id).ski(EC.ski())
                .payload(digest(id, first)).build();
    }

    private static byte[] digest(int id, byte first) {
        byte[] digest = new byte[32];
        digest[0] = first;
        digest[31] = (byte) id;
        digest[30] = (byte) (id >> 8);
        return digest;
    }
}
