package io.keyless.bench;

import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkloadTest {
    private static Map<String, PublicKeyIdentity> keys;

    @BeforeAll
    static void keys() throws Exception {
        keys = Map.of("rsa2048", PemPublicKeys.read(Samples.KEYS.resolve("rsa2048.pub.pem")),
                "p256", PemPublicKeys.read(Samples.KEYS.resolve("p256.pub.pem")));
    }

    @ParameterizedTest
    @CsvSource({
        "rsa2048-sha256, RSA_SIGN_SHA256, 32",
        "rsa2048-md5sha1, RSA_SIGN_MD5SHA1, 36",
        "rsa2048-decrypt, RSA_DECRYPT, 256",
        "rsa2048-rawdecrypt, RSA_DECRYPT_RAW, 256",
        "p256-sha512, ECDSA_SIGN_SHA512, 64",
        "p256-SHA1, ECDSA_SIGN_SHA1, 20",
        "ping, PING, 32"
    })
    void namesAnOpcodeAndBuildsAPayloadThatFitsIt(String name, KeylessOpcode opcode, int payloadLength) {
        Workload workload = Workload.parse(name, 1, keys);

        assertThat(workload.opcode()).isEqualTo(opcode);
        assertThat(workload.payload()).hasSize(payloadLength);
        assertThat(workload.request(5).id()).isEqualTo(5);
    }

    @Test
    void readsAMixWithWeights() {
        List<Workload> mix = Workload.parseMix("rsa2048-sha256:70, p256-sha256:30", keys);

        assertThat(mix).extracting(Workload::name).containsExactly("rsa2048-sha256", "p256-sha256");
        assertThat(Workload.share(mix.get(0), mix)).isEqualTo(70.0);
    }

    @Test
    void refusesWhatItCannotSend() {
        assertThatThrownBy(() -> Workload.parse("p256-decrypt", 1, keys)).hasMessageContaining("only RSA keys");
        assertThatThrownBy(() -> Workload.parse("rsa4096-sha256", 1, keys))
                .hasMessageContaining("no key named 'rsa4096'");
        assertThatThrownBy(() -> Workload.parse("rsa2048-sha3", 1, keys)).hasMessageContaining("'sha3'");
        assertThatThrownBy(() -> Workload.parseMix("ping:0", keys)).hasMessageContaining("positive");
        assertThatThrownBy(() -> Workload.parseMix("ping:a:b", keys)).hasMessageContaining("NAME:WEIGHT");
    }
}
