package io.keyless.keys;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentifierTableTest {
    private static LoadedKey sample;

    @BeforeAll
    static void sampleKey() throws Exception {
        sample = PemPrivateKeys.read(Path.of("keys/sample/p256.key"));
    }

    @Test
    void findsEveryOneOfManyKeysAndNothingElse() {
        SplittableRandom random = new SplittableRandom(7);
        List<LoadedKey> keys = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            keys.add(key(i, bytes(random, 32), bytes(random, 20)));
        }
        KeyIndex index = new KeyIndex(keys);

        for (LoadedKey key : keys) {
            assertThat(index.findByDigest(key.digest())).isSameAs(key);
            assertThat(index.findBySki(key.ski())).isSameAs(key);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(index.findByDigest(bytes(random, 32))).isNull();
            assertThat(index.findBySki(bytes(random, 20))).isNull();
        }
    }

    @Test
    void tellsApartIdentifiersThatShareTheirFirstEightBytes() {
        byte[] ski = new byte[20];
        List<LoadedKey> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] mine = ski.clone();
            mine[19] = (byte) i;
            byte[] digest = new byte[32];
            digest[31] = (byte) i;
            digest[12] = (byte) (i * 3);
            keys.add(key(i, digest, mine));
        }
        KeyIndex index = new KeyIndex(keys);

        for (LoadedKey key : keys) {
            assertThat(index.findBySki(key.ski())).isSameAs(key);
            assertThat(index.findByDigest(key.digest())).isSameAs(key);
        }
        byte[] unknown = ski.clone();
        unknown[19] = (byte) 200;
        assertThat(index.findBySki(unknown)).isNull();
    }

    @Test
    void readsTheIdentifierWhereverItSitsInTheBufferWithoutMovingIt() {
        LoadedKey key = key(1, filled(32, 3), filled(20, 4));
        KeyIndex index = new KeyIndex(List.of(key));
        ByteBuf direct = Unpooled.directBuffer(64).writeZero(5).writeBytes(filled(20, 4)).writeZero(3);
        try {
            ByteBuf slice = direct.slice(5, 20);
            assertThat(index.find(slice, null)).isSameAs(key);
            assertThat(slice.readerIndex()).isZero();
            assertThat(index.find(direct.slice(4, 20), null)).isNull();
            assertThat(index.find(direct.slice(5, 19), null)).as("a short identifier").isNull();
        } finally {
            direct.release();
        }
    }

    @Test
    void refusesTwoKeysWithOneIdentifier() {
        List<LoadedKey> keys = List.of(key(1, filled(32, 1), filled(20, 9)), key(2, filled(32, 2), filled(20, 9)));

        assertThatThrownBy(() -> new KeyIndex(keys)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsNothingInAnEmptyIndex() {
        assertThat(new KeyIndex(List.of()).findBySki(new byte[20])).isNull();
    }

    private static LoadedKey key(int number, byte[] digest, byte[] ski) {
        return new LoadedKey(Path.of("k" + number + ".key"), KeyType.EC, sample.privateKey(), 256, EcCurve.P256,
                digest, ski, null);
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
