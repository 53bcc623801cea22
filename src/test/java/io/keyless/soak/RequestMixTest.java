package io.keyless.soak;

import io.keyless.keys.PemPublicKeys;
import io.keyless.keys.PublicKeyIdentity;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessResponse;
import io.keyless.testing.Samples;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's judge of answers: each kind of request passes with its one right answer and fails with any other. */
class RequestMixTest {
    private static RequestMix mix;
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    @BeforeAll
    static void mix() throws Exception {
        PublicKeyIdentity p256 = PemPublicKeys.read(Samples.KEYS.resolve("p256.pub.pem"));
        mix = new RequestMix(PemPublicKeys.read(Samples.KEYS.resolve("rsa2048.pub.pem")), p256,
                PemPublicKeys.read(Samples.KEYS.resolve("p384.pub.pem")), p256);
    }

    @ParameterizedTest
    @EnumSource(value = RequestMix.Kind.class, names = {"UNKNOWN_KEY", "WRONG_HASH_LENGTH", "RSA_OPCODE_ON_EC_KEY",
        "CIPHERTEXT_TOO_LONG", "BAD_OPCODE", "REPLY_OPCODE", "VERSION_MISMATCH", "TRUNCATED_ITEM"})
    void aRequestThatMustFailPassesOnlyWithItsOwnError(RequestMix.Kind kind) {
        RequestMix.Planned planned = plan(kind, any -> true);

        assertThat(mix.check(planned, KeylessResponse.error(planned.id(), kind.expectedError))).isNull();
        KeylessError other = kind.expectedError == KeylessError.FORMAT_ERROR
                ? KeylessError.INTERNAL_ERROR : KeylessError.FORMAT_ERROR;
        assertThat(mix.check(planned, KeylessResponse.error(planned.id(), other)))
                .isEqualTo(kind + " answered " + other + ", not " + kind.expectedError);
        assertThat(mix.check(planned, KeylessResponse.success(planned.id(), Unpooled.wrappedBuffer(new byte[8]))))
                .isEqualTo(kind + " answered OK, not " + kind.expectedError);
    }

    @Test
    void aPingPassesOnlyWithItsOwnPayloadEchoed() {
        RequestMix.Planned ping = plan(RequestMix.Kind.PING, planned -> planned.expected().length > 0);
        byte[] other = ping.expected().clone();
        other[0] ^= 1;

        assertThat(mix.check(ping, KeylessResponse.pong(ping.id(), Unpooled.wrappedBuffer(ping.expected()))))
                .isNull();
        assertThat(mix.check(ping, KeylessResponse.pong(ping.id(), Unpooled.wrappedBuffer(other))))
                .isEqualTo("PING not echoed");
        assertThat(mix.check(ping, KeylessResponse.success(ping.id(), Unpooled.wrappedBuffer(ping.expected()))))
                .as("a RESPONSE is no PONG").isEqualTo("PING not echoed");
    }

    @Test
    void aSignatureThatIsCheckedMustVerifyWithThePublicKey() throws Exception {
        RequestMix.Planned planned = plan(RequestMix.Kind.ECDSA_P256_SIGN, any -> any.message() != null);
        byte[] good = sign(Samples.ecKey().privateKey(), planned.message());
        byte[] otherMessage = Arrays.copyOf(planned.message(), planned.message().length + 1);
        byte[] bad = sign(Samples.ecKey().privateKey(), otherMessage);

        assertThat(mix.check(planned, KeylessResponse.success(planned.id(), Unpooled.wrappedBuffer(good)))).isNull();
        assertThat(mix.check(planned, KeylessResponse.success(planned.id(), Unpooled.wrappedBuffer(bad))))
                .isEqualTo("ECDSA_P256_SIGN signature does not verify");
        assertThat(mix.check(planned, KeylessResponse.error(planned.id(), KeylessError.CRYPTO_FAILED)))
                .isEqualTo("ECDSA_P256_SIGN answered CRYPTO_FAILED");
    }

    @Test
    void aDecryptionMustGiveBackThePlaintext() {
        RequestMix.Planned planned = plan(RequestMix.Kind.RSA_DECRYPT, any -> true);
        byte[] other = planned.expected().clone();
        other[other.length - 1] ^= 1;

        assertThat(mix.check(planned, KeylessResponse.success(planned.id(),
                Unpooled.wrappedBuffer(planned.expected())))).isNull();
        assertThat(mix.check(planned, KeylessResponse.success(planned.id(), Unpooled.wrappedBuffer(other))))
                .isEqualTo("RSA_DECRYPT gave another plaintext");
    }

    @Test
    void anAnswerUnderAnotherIdIsWrongWhateverItSays() {
        RequestMix.Planned planned = plan(RequestMix.Kind.UNKNOWN_KEY, any -> true);

        assertThat(mix.check(planned, KeylessResponse.error(planned.id() + 1, KeylessError.KEY_NOT_FOUND)))
                .isEqualTo("answer to " + planned.id() + " carries id " + (planned.id() + 1));
    }

    /** Draws from the mix until it plans a request of {@code kind} that {@code wanted} accepts. */
    private static RequestMix.Planned plan(RequestMix.Kind kind, Predicate<RequestMix.Planned> wanted) {
        for (int id = 1; id < 100_000; id++) {
            RequestMix.Planned planned = mix.next(RANDOM, id, false);
            // Judging an answer needs the plan, not the request that would have been sent.
            if (planned.request() != null) {
                planned.request().release();
            }
            if (planned.kind() == kind && wanted.test(planned)) {
                return planned;
            }
        }
        throw new AssertionError("the mix never planned a " + kind);
    }

    private static byte[] sign(PrivateKey key, byte[] message) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(key);
        signature.update(message);
        return signature.sign();
    }
}
