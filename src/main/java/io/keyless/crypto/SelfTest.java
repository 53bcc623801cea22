package io.keyless.crypto;

import io.keyless.protocol.KeylessHash;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Proves that a provider does each operation right before it is trusted with real keys: its results are checked
 * against the JDK's own implementation, with a key made for the test, on engines reused across keys as the
 * server reuses them.
 */
final class SelfTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<KeyFamily, KeyPair> KEYS = new EnumMap<>(KeyFamily.class);

    private SelfTest() {
    }

    /** Returns why {@code provider} cannot serve keys of {@code family}, or {@code null} if it can. */
    static String problem(Provider provider, KeyFamily family) {
        try {
            KeyPair keys = keys(family);
            // Two key objects for one key, used in turn on the same engines: a provider must not spoil a key when
            // its engine moves on to another one.
            PrivateKey first = CryptoProviders.translate(provider, family, keys.getPrivate());
            PrivateKey second = CryptoProviders.translate(provider, family, keys.getPrivate());
            if (family == KeyFamily.RSA) {
                Engines engines = new Engines(JcaEngines.cipher("RSA/ECB/PKCS1Padding", provider),
                        JcaEngines.cipher("RSA/ECB/NoPadding", provider));
                return firstProblem(rsa(engines, keys, first), rsa(engines, keys, second), rsa(engines, keys, first));
            }
            Signature signer = JcaEngines.rawEcdsa(provider);
            return firstProblem(ecdsa(signer, keys, first), ecdsa(signer, keys, second), ecdsa(signer, keys, first));
        } catch (GeneralSecurityException | RuntimeException e) {
            return e.toString();
        }
    }

    private record Engines(Cipher pkcs1, Cipher raw) {
    }

    private static String firstProblem(String... problems) {
        return Arrays.stream(problems).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static String rsa(Engines engines, KeyPair keys, PrivateKey key) throws GeneralSecurityException {
        byte[] block = DigestInfoPrefix.wrap(KeylessHash.SHA256, random(32));
        // PKCS#1 v1.5 signatures are deterministic: any correct provider produces the JDK's bytes.
        Cipher jdkPkcs1 = JcaEngines.cipher("RSA/ECB/PKCS1Padding", null);
        if (!Arrays.equals(run(engines.pkcs1(), Cipher.ENCRYPT_MODE, key, block),
                run(jdkPkcs1, Cipher.ENCRYPT_MODE, keys.getPrivate(), block))) {
            return "RSA signature differs from the JDK's";
        }
        byte[] secret = random(48);
        byte[] ciphertext = run(jdkPkcs1, Cipher.ENCRYPT_MODE, keys.getPublic(), secret);
        if (!Arrays.equals(run(engines.pkcs1(), Cipher.DECRYPT_MODE, key, ciphertext), secret)) {
            return "RSA decryption does not return the plaintext";
        }
        // Some providers drop the leading zeros of the block; the operation puts them back.
        byte[] raw = KeyOperations.leftPad(run(engines.raw(), Cipher.DECRYPT_MODE, key, ciphertext),
                ciphertext.length);
        if (!Arrays.equals(raw, run(JcaEngines.cipher("RSA/ECB/NoPadding", null), Cipher.DECRYPT_MODE,
                keys.getPrivate(), ciphertext))) {
            return "raw RSA decryption differs from the JDK's";
        }
        return null;
    }

    private static String ecdsa(Signature signer, KeyPair keys, PrivateKey key) throws GeneralSecurityException {
        // A hash as long as the curve's order and one longer, which must be cut to the order's size.
        for (int length : new int[] {32, 64}) {
            byte[] hash = random(length);
            signer.initSign(key);
            signer.update(hash);
            byte[] signature = signer.sign();
            if (!verifies(keys, hash, signature)) {
                return "ECDSA signature over a " + length + "-byte hash does not verify";
            }
            hash[0] ^= 1;
            if (verifies(keys, hash, signature)) {
                return "ECDSA signature verifies for another hash";
            }
        }
        return null;
    }

    private static boolean verifies(KeyPair keys, byte[] hash, byte[] signature) throws GeneralSecurityException {
        Signature verifier = JcaEngines.rawEcdsa(null);
        verifier.initVerify(keys.getPublic());
        verifier.update(hash);
        return verifier.verify(signature);
    }

    private static byte[] run(Cipher cipher, int mode, Key key, byte[] input) throws GeneralSecurityException {
        cipher.init(mode, key);
        return cipher.doFinal(input);
    }

    private static synchronized KeyPair keys(KeyFamily family) throws GeneralSecurityException {
        KeyPair keys = KEYS.get(family);
        if (keys == null) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(family.jcaAlgorithm());
            if (family == KeyFamily.RSA) {
                // Small for a quick start-up: the test is of correctness, not of strength.
                generator.initialize(1024);
            } else {
                generator.initialize(new ECGenParameterSpec(family.curve().jcaName()));
            }
            keys = generator.generateKeyPair();
            KEYS.put(family, keys);
        }
        return keys;
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
