package io.keyless.crypto;

import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyIndex;
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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every operation on every provider that loads on this machine, each result checked with BouncyCastle. */
class KeyOperationsTest {
    private static final List<String> RSA_KEYS = List.of("rsa-1024", "rsa-2048", "rsa-4096");
    private static final List<String> EC_KEYS = List.of("ec-prime256v1", "ec-secp384r1", "ec-secp521r1");
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    static Path dir;

    private static final Map<String, PublicKey> publicKeys = new HashMap<>();
    private static final Map<CryptoProvider, KeyOperations> operations = new EnumMap<>(CryptoProvider.class);
    private static final Map<CryptoProvider, KeyIndex> indexes = new EnumMap<>(CryptoProvider.class);
    private static final Map<CryptoProvider, String> unavailable = new EnumMap<>(CryptoProvider.class);

    @BeforeAll
    static void generateKeysAndLoadThemForEveryProvider() throws Exception {
        for (String name : concat(RSA_KEYS, EC_KEYS)) {
            publicKeys.put(name, TestKeys.publicKey(TestKeys.generate(dir, name)));
        }
        for (CryptoProvider provider : CryptoProvider.values()) {
            try {
                CryptoProviders providers = CryptoProviders.select(provider);
                operations.put(provider, new KeyOperations(providers));
                indexes.put(provider, KeyDirectory.load(dir, providers::translate));
            } catch (GeneralSecurityException e) {
                unavailable.put(provider, e.getMessage());
            }
        }
    }

    static Stream<Arguments> signatures() {
        List<Arguments> cases = new ArrayList<>();
        for (CryptoProvider provider : CryptoProvider.values()) {
            for (KeylessOpcode opcode : KeylessOpcode.values()) {
                if (opcode.kind() == KeylessOpcode.Kind.RSA_SIGN) {
                    RSA_KEYS.forEach(key -> cases.add(Arguments.of(provider, opcode, key)));
                } else if (opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN) {
                    EC_KEYS.forEach(key -> cases.add(Arguments.of(provider, opcode, key)));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> rsaKeysOnEveryProvider() {
        List<Arguments> cases = new ArrayList<>();
        for (CryptoProvider provider : CryptoProvider.values()) {
            RSA_KEYS.forEach(key -> cases.add(Arguments.of(provider, key)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} with {2}")
    @MethodSource("signatures")
    void signsAHashSoThatThePublicKeyVerifiesTheMessage(CryptoProvider provider, KeylessOpcode opcode, String key)
            throws Exception {
        byte[] message = randomBytes(100);

        byte[] signature = operations(provider).perform(opcode, key(provider, key),
                Signatures.hash(opcode.hash(), message));

        assertThat(Signatures.verifies(opcode, publicKeys.get(key), message, signature)).isTrue();
        assertThat(Signatures.verifies(opcode, publicKeys.get(key), randomBytes(100), signature)).isFalse();
        if (opcode.kind() == KeylessOpcode.Kind.RSA_SIGN) {
            assertThat(signature).hasSize(key(provider, key).modulusLength());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rsaKeysOnEveryProvider")
    void decryptsAPkcs1Ciphertext(CryptoProvider provider, String key) throws Exception {
        byte[] premaster = randomBytes(48);

        byte[] plaintext = operations(provider).perform(KeylessOpcode.RSA_DECRYPT, key(provider, key),
                Signatures.encrypt(publicKeys.get(key), premaster));

        assertThat(plaintext).isEqualTo(premaster);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("rsaKeysOnEveryProvider")
    void rawDecryptReturnsThePaddedBlock(CryptoProvider provider, String key) throws Exception {
        byte[] premaster = randomBytes(48);
        int k = key(provider, key).modulusLength();

        byte[] block = operations(provider).perform(KeylessOpcode.RSA_DECRYPT_RAW, key(provider, key),
                Signatures.encrypt(publicKeys.get(key), premaster));

        assertThat(block).hasSize(k);
        assertThat(block[0]).isZero();
        assertThat(block[1]).isEqualTo((byte) 2);
        assertThat(block[k - 49]).isZero();
        assertThat(Arrays.copyOfRange(block, k - 48, k)).isEqualTo(premaster);
    }

    @ParameterizedTest
    @EnumSource(CryptoProvider.class)
    void decryptsACiphertextShorterThanTheModulusAndKeepsLeadingZeros(CryptoProvider provider) throws Exception {
        RSAPublicKey publicKey = (RSAPublicKey) publicKeys.get("rsa-2048");
        byte[] ciphertext = BigInteger.valueOf(0x1234).modPow(publicKey.getPublicExponent(), publicKey.getModulus())
                .toByteArray();
        byte[] block = operations(provider).perform(KeylessOpcode.RSA_DECRYPT_RAW, key(provider, "rsa-2048"),
                stripSign(ciphertext));

        byte[] expected = new byte[256];
        expected[254] = 0x12;
        expected[255] = 0x34;
        assertThat(block).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(CryptoProvider.class)
    void refusesAnAllZeroCiphertext(CryptoProvider provider) {
        assertCryptoFailed(provider, KeylessOpcode.RSA_DECRYPT, "rsa-2048", new byte[256]);
    }

    @ParameterizedTest
    @EnumSource(CryptoProvider.class)
    void refusesACiphertextNotBelowTheModulus(CryptoProvider provider) {
        byte[] allOnes = new byte[256];
        Arrays.fill(allOnes, (byte) 0xFF);
        assertCryptoFailed(provider, KeylessOpcode.RSA_DECRYPT, "rsa-2048", allOnes);
        assertCryptoFailed(provider, KeylessOpcode.RSA_DECRYPT_RAW, "rsa-2048", allOnes);
    }

    @ParameterizedTest
    @EnumSource(CryptoProvider.class)
    void refusesACiphertextEqualToTheModulusAndTakesTheOneBelowIt(CryptoProvider provider) throws Exception {
        BigInteger modulus = ((RSAPublicKey) publicKeys.get("rsa-2048")).getModulus();

        assertCryptoFailed(provider, KeylessOpcode.RSA_DECRYPT_RAW, "rsa-2048", unsigned(modulus, 256));

        // n - 1 is -1 mod n, and (-1)^d = -1 for the odd d of every RSA key: the block is n - 1 again.
        byte[] belowModulus = unsigned(modulus.subtract(BigInteger.ONE), 256);
        assertThat(operations(provider).perform(KeylessOpcode.RSA_DECRYPT_RAW, key(provider, "rsa-2048"),
                belowModulus)).isEqualTo(belowModulus);
    }

    @Test
    void refusesACiphertextLongerThanTheModulus() {
        assertCryptoFailed(CryptoProvider.JDK, KeylessOpcode.RSA_DECRYPT, "rsa-2048", randomBytes(257));
        assertCryptoFailed(CryptoProvider.JDK, KeylessOpcode.RSA_DECRYPT_RAW, "rsa-2048", randomBytes(257));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signingOpcodes")
    void refusesAHashOfTheWrongLength(KeylessOpcode opcode) {
        String key = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN ? "rsa-2048" : "ec-prime256v1";
        assertCryptoFailed(CryptoProvider.JDK, opcode, key, new byte[opcode.hash().length() - 1]);
        assertCryptoFailed(CryptoProvider.JDK, opcode, key, new byte[opcode.hash().length() + 1]);
        assertCryptoFailed(CryptoProvider.JDK, opcode, key, new byte[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signingOpcodes")
    void refusesAKeyOfTheOtherType(KeylessOpcode opcode) {
        String key = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN ? "ec-prime256v1" : "rsa-2048";
        assertCryptoFailed(CryptoProvider.JDK, opcode, key, new byte[opcode.hash().length()]);
    }

    @ParameterizedTest
    @EnumSource(value = KeylessOpcode.class, names = {"RSA_DECRYPT", "RSA_DECRYPT_RAW"})
    void refusesToDecryptWithAnEcKey(KeylessOpcode opcode) {
        assertCryptoFailed(CryptoProvider.JDK, opcode, "ec-prime256v1", new byte[32]);
    }

    @ParameterizedTest
    @EnumSource(CryptoProvider.class)
    void servesManyThreadsAtOnce(CryptoProvider provider) throws Exception {
        KeyOperations chosen = operations(provider);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                KeylessOpcode opcode = i % 2 == 0 ? KeylessOpcode.RSA_SIGN_SHA256 : KeylessOpcode.ECDSA_SIGN_SHA256;
                String key = i % 2 == 0 ? "rsa-1024" : "ec-prime256v1";
                results.add(pool.submit(() -> {
                    byte[] message = randomBytes(64);
                    byte[] signature = chosen.perform(opcode, key(provider, key),
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
        KeyOperations refusing = new KeyOperations(CryptoProviders.using("refusing", new KeyRefusingProvider()));

        for (String key : List.of("rsa-2048", "ec-prime256v1")) {
            KeylessOpcode opcode = key.startsWith("rsa") ? KeylessOpcode.RSA_SIGN_SHA256
                    : KeylessOpcode.ECDSA_SIGN_SHA256;
            assertThatThrownBy(() -> refusing.perform(opcode, key(CryptoProvider.JDK, key), new byte[32]))
                    .isInstanceOfSatisfying(KeylessProtocolException.class,
                            e -> assertThat(e.error()).isEqualTo(KeylessError.READ_ERROR));
        }
    }

    @Test
    void choosesTheFastestProviderThatWorksForEachFamily() throws Exception {
        CryptoProviders chosen = CryptoProviders.select(null);

        // ACCP is first for every family wherever it loads; without it the next in line takes over.
        String expected = unavailable.containsKey(CryptoProvider.ACCP) ? "conscrypt" : "accp";
        assertThat(chosen.choice(KeyFamily.RSA).name()).isEqualTo(expected);
        assertThat(chosen.describe()).startsWith("rsa=" + expected + " p256=");
    }

    @Test
    void keepsTheJdkKeysWhenTheProviderHasNoKeyFactory() throws Exception {
        CryptoProviders refusing = CryptoProviders.using("refusing", new KeyRefusingProvider());
        LoadedKey key = key(CryptoProvider.JDK, "rsa-2048");

        assertThat(refusing.translate(key)).isSameAs(key.privateKey());
    }

    static Stream<KeylessOpcode> signingOpcodes() {
        return Stream.of(KeylessOpcode.values()).filter(opcode -> opcode.hash() != null);
    }

    private static KeyOperations operations(CryptoProvider provider) {
        assumeTrue(operations.containsKey(provider), () -> provider + " does not work here: "
                + unavailable.get(provider));
        return operations.get(provider);
    }

    private static LoadedKey key(CryptoProvider provider, String name) {
        operations(provider);
        return indexes.get(provider).keys().stream()
                .filter(key -> key.file().getFileName().toString().equals(name + ".key"))
                .findFirst().orElseThrow();
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        return Arrays.copyOfRange(bytes, bytes.length - length, bytes.length);
    }

    private static void assertCryptoFailed(CryptoProvider provider, KeylessOpcode opcode, String key,
                                           byte[] payload) {
        assertThatThrownBy(() -> operations(provider).perform(opcode, key(provider, key), payload))
                .isInstanceOfSatisfying(KeylessProtocolException.class,
                        e -> assertThat(e.error()).isEqualTo(KeylessError.CRYPTO_FAILED));
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
