package io.keyless.bench;

import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes many distinct RSA keys quickly, to measure how a server starts with a large key directory. Generating
 * 100,000 real keys takes hours; these are products of pairs from a small pool of primes, so they share factors:
 * valid RSA keys that load and sign, and worthless as secrets. For benchmarks only, in a scratch directory.
 */
final class SyntheticKeys {
    private static final BigInteger E = BigInteger.valueOf(65537);

    private SyntheticKeys() {
    }

    /** Writes {@code count} keys of {@code bits} bits as {@code synthetic-N.key} files into {@code directory}. */
    static void write(Path directory, int count, int bits) throws IOException {
        Files.createDirectories(directory);
        int poolSize = 2;
        while ((long) poolSize * (poolSize - 1) / 2 < count) {
            poolSize++;
        }
        List<BigInteger> primes = primes(poolSize, bits / 2);
        List<int[]> pairs = new ArrayList<>(count);
        for (int i = 0; i < poolSize && pairs.size() < count; i++) {
            for (int j = i + 1; j < poolSize && pairs.size() < count; j++) {
                pairs.add(new int[] {i, j});
            }
        }
        IntStream.range(0, count).parallel().forEach(index -> {
            int[] pair = pairs.get(index);
            byte[] pem = pem(primes.get(pair[0]), primes.get(pair[1]));
            try {
                Files.write(directory.resolve(String.format("synthetic-%06d.key", index)), pem);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Primes with their two top bits set, so that any product of two has exactly twice their bits. */
    private static List<BigInteger> primes(int count, int bits) {
        SecureRandom random = new SecureRandom();
        return IntStream.range(0, count).parallel().mapToObj(i -> {
            while (true) {
                BigInteger prime = BigInteger.probablePrime(bits, random);
                if (prime.testBit(bits - 2) && !prime.subtract(BigInteger.ONE).mod(E).equals(BigInteger.ZERO)) {
                    return prime;
                }
            }
        }).toList();
    }

    private static byte[] pem(BigInteger p, BigInteger q) {
        BigInteger n = p.multiply(q);
        BigInteger pMinus1 = p.subtract(BigInteger.ONE);
        BigInteger qMinus1 = q.subtract(BigInteger.ONE);
        BigInteger d = E.modInverse(pMinus1.multiply(qMinus1));
        RSAPrivateKey key = new RSAPrivateKey(n, E, d, p, q, d.mod(pMinus1), d.mod(qMinus1), q.modInverse(p));
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject("RSA PRIVATE KEY", key.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
