package io.keyless.keys;

import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

import java.math.BigInteger;

/**
 * Checks that the numbers of an RSA private key belong together, so that a corrupted file is refused at start-up
 * instead of signing garbage.
 *
 * <p>Unlike OpenSSL's {@code RSA_check_key} it does not test p and q for primality: that costs milliseconds per key,
 * too much for a directory of many thousand keys, and a key whose primes were not prime was never a valid key to
 * begin with. Every other relation is checked, which is what catches a damaged or mismatched file.
 */
final class RsaConsistency {
    private RsaConsistency() {
    }

    /** Returns what is wrong with the key, or {@code null} if its numbers agree. */
    static String check(RSAPrivateKey key) {
        if (!key.getVersion().equals(BigInteger.ZERO)) {
            return "multi-prime RSA keys are not supported";
        }
        BigInteger n = key.getModulus();
        BigInteger e = key.getPublicExponent();
        BigInteger d = key.getPrivateExponent();
        BigInteger p = key.getPrime1();
        BigInteger q = key.getPrime2();
        if (e.compareTo(BigInteger.ONE) <= 0 || !e.testBit(0)) {
            return "public exponent must be odd and greater than 1";
        }
        if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0 || !p.multiply(q).equals(n)) {
            return "n is not p * q";
        }
        BigInteger pMinus1 = p.subtract(BigInteger.ONE);
        BigInteger qMinus1 = q.subtract(BigInteger.ONE);
        if (!d.multiply(e).mod(pMinus1).equals(BigInteger.ONE) || !d.multiply(e).mod(qMinus1).equals(BigInteger.ONE)) {
            return "d is not the inverse of e";
        }
        if (!d.mod(pMinus1).equals(key.getExponent1()) || !d.mod(qMinus1).equals(key.getExponent2())) {
            return "CRT exponents do not match d";
        }
        if (!key.getCoefficient().multiply(q).mod(p).equals(BigInteger.ONE)) {
            return "CRT coefficient is not the inverse of q mod p";
        }
        return null;
    }
}
