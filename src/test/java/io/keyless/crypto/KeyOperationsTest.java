package io.keyless.crypto;

import io.keyless.keys.LoadedKey;
import io.keyless.protocol.KeylessError;
import io.keyless.protocol.KeylessOpcode;
import io.keyless.protocol.KeylessProtocolException;
import io.keyless.testing.KeyRefusingProvider;
import io.keyless.testing.Signatures;
import io.keyless.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Cipher;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyOperationsTest {
    private static final List<String> RSA_KEYS = List.of("rsa-1024", "rsa-2048", "rsa-4096");
    private static final List<String> EC_KEYS = List.of("ec-prime256v1", "ec-secp384r1", "ec-secp521r1");
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;

    private static final Map<String, LoadedKey> keys = new HashMap<>();
    private static final Map<String, PublicKey> publicKeys = new HashMap<>();

    private final KeyOperations operations = new KeyOperations(null, null);

    @BeforeAll
    static void generateKeys() {
        for (String name : concat(RSA_KEYS, EC_KEYS)) {
            Path file = TestKeys.generate(dir, name);
            keys.put(name, TestKeys.load(file));
            publicKeys.put(name, TestKeys.publicKey(file));
        }
    }

    static Stream<Arguments> signatures() {
        List<Arguments> cases = new ArrayList<>();
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            if (opcode.kind() == KeylessOpcode.Kind.RSA_SIGN) {
                RSA_KEYS.forEach(key -> cases.add(Arguments.of(opcode, key)));
            } else if (opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN) {
                EC_KEYS.forEach(key -> cases.add(Arguments.of(opcode, key)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("signatures")
    void signsAHashSoThatThePublicKeyVerifiesTheMessage(KeylessOpcode opcode, String key) throws Exception {
        byte[] message = randomBytes(100);

        byte[] signature = operations.perform(opcode, keys.get(key), Signatures.hash(opcode.hash(), message));

        assertThat(Signatures.verifies(opcode, publicKeys.get(key), message, signature)).isTrue();
        assertThat(Signatures.verifies(opcode, publicKeys.get(key), randomBytes(100), signature)).isFalse();
        if (opcode.kind() == KeylessOpcode.Kind.RSA_SIGN) {
            assertThat(signature).hasSize(keys.get(key).modulusLength());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rsaKeys")
    void decryptsAPkcs1Ciphertext(String key) throws Exception {
        byte[] premaster = randomBytes(48);

        byte[] plaintext = operations.perform(KeylessOpcode.RSA_DECRYPT, keys.get(key),
                Signatures.encrypt(publicKeys.get(key), premaster));

        assertThat(plaintext).isEqualTo(premaster);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rsaKeys")
    void rawDecryptReturnsThePaddedBlock(String key) throws Exception {
        byte[] premaster = randomBytes(48);
        int k = keys.get(key).modulusLength();

        byte[] block = operations.perform(KeylessOpcode.RSA_DECRYPT_RAW, keys.get(key),
                Signatures.encrypt(publicKeys.get(key), premaster));

        assertThat(block).hasSize(k);
        assertThat(block[0]).isZero();
        assertThat(block[1]).isEqualTo((byte) 2);
        assertThat(block[k - 49]).isZero();
        assertThat(Arrays.copyOfRange(block, k - 48, k)).isEqualTo(premaster);
    }

    @Test
    void rawDecryptKeepsLeadingZerosToTheModulusLength() throws Exception {
        LoadedKey key = keys.get("rsa-2048");
        RSAPublicKey publicKey = (RSAPublicKey) publicKeys.get("rsa-2048");
        BigInteger small = BigInteger.valueOf(0x1234);
        byte[] ciphertext = small.modPow(publicKey.getPublicExponent(), publicKey.getModulus()).toByteArray();

        byte[] block = operations.perform(KeylessOpcode.RSA_DECRYPT_RAW, key, stripSign(ciphertext));

        byte[] expected = new byte[256];
        expected[254] = 0x12;
        expected[255] = 0x34;
        assertThat(block).isEqualTo(expected);
    }

    @Test
    void refusesAnAllZeroCiphertext() {
        assertCryptoFailed(KeylessOpcode.RSA_DECRYPT, "rsa-2048", new byte[256]);
    }

    @Test
    void refusesACiphertextLongerThanTheModulus() {
        assertCryptoFailed(KeylessOpcode.RSA_DECRYPT, "rsa-2048", randomBytes(257));
        assertCryptoFailed(KeylessOpcode.RSA_DECRYPT_RAW, "rsa-2048", randomBytes(257));
    }

    @Test
    void refusesACiphertextNotBelowTheModulus() {
        byte[] allOnes = new byte[256];
        Arrays.fill(allOnes, (byte) 0xFF);
        assertCryptoFailed(KeylessOpcode.RSA_DECRYPT, "rsa-2048", allOnes);
        assertCryptoFailed(KeylessOpcode.RSA_DECRYPT_RAW, "rsa-2048", allOnes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signingOpcodes")
    void refusesAHashOfTheWrongLength(KeylessOpcode opcode) {
        String key = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN ? "rsa-2048" : "ec-prime256v1";
        assertCryptoFailed(opcode, key, new byte[opcode.hash().length() - 1]);
        assertCryptoFailed(opcode, key, new byte[opcode.hash().length() + 1]);
        assertCryptoFailed(opcode, key, new byte[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signingOpcodes")
    void refusesAKeyOfTheOtherType(KeylessOpcode opcode) {
        String key = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN ? "ec-prime256v1" : "rsa-2048";
        assertCryptoFailed(opcode, key, new byte[opcode.hash().length()]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA_DECRYPT", "RSA_DECRYPT_RAW"})
    void refusesToDecryptWithAnEcKey(KeylessOpcode opcode) {
        assertCryptoFailed(opcode, "ec-prime256v1", new byte[32]);
    }

    @Test
    void servesManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                KeylessOpcode opcode = i % 2 == 0 ? KeylessOpcode.RSA_SIGN_SHA256 : KeylessOpcode.ECDSA_SIGN_SHA256;
                String key = i % 2 == 0 ? "rsa-1024" : "ec-prime256v1";
                results.add(pool.submit(() -> {
                    byte[] message = randomBytes(64);
                    byte[] signature = operations.perform(opcode, keys.get(key),
                            Signatures.hash(opcode.hash(), message));
                    return Signatures.verifies(opcode, publicKeys.get(key), message, signature);
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void answersReadErrorWhenTheProviderCannotUseTheKey() {
        KeyOperations refusing = new KeyOperations(new KeyRefusingProvider(), null);

        assertThatThrownBy(() -> refusing.perform(KeylessOpcode.RSA_SIGN_SHA256, keys.get("rsa-2048"), new byte[32]))
                .isInstanceOfSatisfying(KeylessProtocolException.class,
                        e -> assertThat(e.error()).isEqualTo(KeylessError.READ_ERROR));
    }

    @Test
    void namesTheProvidersInUse() {
        assertThat(operations.describe()).isEqualTo("rsa=" + providerOf("RSA/ECB/PKCS1Padding") + " ecdsa=SunEC");
    }

    static Stream<String> rsaKeys() {
        return RSA_KEYS.stream();
    }

    static Stream<KeylessOpcode> signingOpcodes() {
        return Stream.of(KeylessOpcode.values()).filter(opcode -> opcode.hash() != null);
    }

    private void assertCryptoFailed(KeylessOpcode opcode, String key, byte[] payload) {
        assertThatThrownBy(() -> operations.perform(opcode, keys.get(key), payload))
                .isInstanceOfSatisfying(KeylessProtocolException.class,
                        e -> assertThat(e.error()).isEqualTo(KeylessError.CRYPTO_FAILED));
    }

    private static String providerOf(String transformation) {
        try {
            return Cipher.getInstance(transformation).getProvider().getName();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] stripSign(byte[] bytes) {
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
