package io.keyless.server;

import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessRequest;
import io.keyless.protocol.KeylessRequestEncoder;
import io.keyless.testing.Samples;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PROTOCOL.md section 8: a response never straddles two TLS records, because deployed clients read the header
 * with one TLS read. Checked record by record with a hand-driven TLS client.
 */
class RecordBoundaryTest {
    private static final int REQUESTS = 400;

    private static LoadedKey ec;

    @BeforeAll
    static void keys() {
        ec = Samples.ecKey();
    }

    @ParameterizedTest
    @EnumSource(value = ServerConfig.TlsImplementation.class, names = {"OPENSSL", "JDK"})
    void startsEveryRecordWithAResponseAndNeverCutsOne(ServerConfig.TlsImplementation tls) throws Exception {
        try (RunningServer running = RunningServer.start(Samples.server().tls(tls).build());
             RawTlsClient client = new RawTlsClient(running.port())) {
            client.write(pipelinedRequests());

            int records = 0;
            int responses = 0;
            int recordsWithSeveral = 0;
            int carried = 0;
            Set<Integer> ids = new HashSet<>();
            while (responses < REQUESTS) {
                byte[] record = client.readRecord();
                records++;
                assertThat(carried).as("record %d starts inside a response", records).isZero();
                int offset = 0;
                int inThisRecord = 0;
                while (offset < record.length) {
                    int length = 8 + ((record[offset + 2] & 0xFF) << 8 | record[offset + 3] & 0xFF);
                    int id = (record[offset + 4] & 0xFF) << 24 | (record[offset + 5] & 0xFF) << 16
                            | (record[offset + 6] & 0xFF) << 8 | record[offset + 7] & 0xFF;
                    assertThat(ids.add(id)).as("response id %d seen once", id).isTrue();
                    responses++;
                    inThisRecord++;
                    if (offset + length > record.length) {
                        // Only a response larger than a record may go on into the next ones.
                        assertThat(length).isGreaterThan(ServerTls.MAX_RECORD_PLAINTEXT);
                        carried = offset + length - record.length;
                        while (carried > 0) {
                            carried -= client.readRecord().length;
                            records++;
                        }
                        assertThat(carried).as("a large response ends with its last record").isZero();
                        break;
                    }
                    offset += length;
                }
                if (inThisRecord > 1) {
                    recordsWithSeveral++;
                }
            }

            assertThat(ids).hasSize(REQUESTS);
            assertThat(recordsWithSeveral).as("responses ready together share a record").isPositive();
        }
    }

    /** Pings of assorted sizes (some larger than a record) and signatures, all in one write. */
    private static byte[] pipelinedRequests() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < REQUESTS; i++) {
            KeylessRequest request = switch (i % 4) {
                case 0 -> KeylessRequest.builder(KeylessOpcode.PING).id(i).payload(new byte[i * 7 % 3000]).build();
                case 1 -> KeylessRequest.builder(KeylessOpcode.ECDSA_SIGN_SHA256).id(i).ski(ec.ski())
                        .payload(new byte[32]).build();
                case 2 -> KeylessRequest.builder(KeylessOpcode.PING).id(i).payload(new byte[i % 10 == 2 ? 20000 : 50])
                        .build();
                default -> KeylessRequest.builder(KeylessOpcode.PING).id(i).payload(new byte[6000]).build();
            };
            ByteBuf encoded = KeylessRequestEncoder.encode(UnpooledByteBufAllocator.DEFAULT, request);
            out.writeBytes(ByteBufUtil.getBytes(encoded));
            encoded.release();
        }
        return out.toByteArray();
    }
}
