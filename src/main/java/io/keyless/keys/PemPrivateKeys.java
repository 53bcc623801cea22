package io.keyless.keys;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one private key from a PEM file: PKCS#1 RSA, PKCS#8 RSA or EC, or SEC1 EC with or without an
 * {@code EC PARAMETERS} block. Certificates beside the key are ignored, as OpenSSL ignores them.
 *
 * <p>Every key is checked before it is accepted: an RSA key's numbers must agree with each other, and an EC key's
 * stored public point must be its private value times the generator.
 */
public final class PemPrivateKeys {
    /** The RSA modulus sizes served; below 1024 bits a key offers no protection. */
    public static final int MIN_RSA_BITS = 1024;
    public static final int MAX_RSA_BITS = 16384;

    private PemPrivateKeys() {
    }

    /** Reads and checks the one private key in {@code file}. */
    public static LoadedKey read(Path file) throws KeyFileException {
        List<PemObject> blocks = readBlocks(file);

        EcCurve parametersCurve = null;
        for (PemObject block : blocks) {
            if (block.getType().equals("EC PARAMETERS")) {
                parametersCurve = convert(file, block, () -> curve(file, X962Parameters.getInstance(
                        ASN1Primitive.fromByteArray(block.getContent()))));
            }
        }

        List<LoadedKey> keys = new ArrayList<>();
        Set<String> others = new TreeSet<>();
        for (PemObject block : blocks) {
            if (isEncrypted(block)) {
                throw new KeyFileException(file, "encrypted private keys are not supported; store it decrypted "
                        + "(openssl pkey -in FILE -out FILE.key) and protect it with file permissions");
            }
            EcCurve fallbackCurve = parametersCurve;
            switch (block.getType()) {
                case "RSA PRIVATE KEY":
                    keys.add(convert(file, block, () -> rsa(file, RSAPrivateKey.getInstance(block.getContent()))));
                    break;
                case "PRIVATE KEY":
                    keys.add(convert(file, block, () -> pkcs8(file, PrivateKeyInfo.getInstance(block.getContent()))));
                    break;
                case "EC PRIVATE KEY":
                    keys.add(convert(file, block, () -> sec1(file,
                            ECPrivateKey.getInstance(block.getContent()), fallbackCurve)));
                    break;
                case "EC PARAMETERS":
                    break;
                default:
                    others.add(block.getType());
            }
        }

        if (keys.isEmpty()) {
            throw new KeyFileException(file, others.isEmpty()
                    ? "no PEM private key found"
                    : "holds " + String.join(", ", others) + ", not a private key");
        }
        if (keys.size() > 1) {
            throw new KeyFileException(file, "holds " + keys.size() + " private keys; put each key in its own file");
        }
        return keys.get(0);
    }

    /** Every PEM block of {@code file}, in order. */
    static List<PemObject> readBlocks(Path file) throws KeyFileException {
        String text = new String(FileBytes.read(file), StandardCharsets.ISO_8859_1);
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(text))) {
            for (PemObject block; (block = reader.readPemObject()) != null; ) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException(file, "malformed PEM: " + e.getMessage());
        }
        return blocks;
    }

    private static boolean isEncrypted(PemObject block) {
        if (block.getType().equals("ENCRYPTED PRIVATE KEY")) {
            return true;
        }
        for (Object header : block.getHeaders()) {
            if (((PemHeader) header).getName().equalsIgnoreCase("Proc-Type")
                    && ((PemHeader) header).getValue().contains("ENCRYPTED")) {
                return true;
            }
        }
        return false;
    }

    private static LoadedKey pkcs8(Path file, PrivateKeyInfo info) throws KeyFileException, IOException,
            GeneralSecurityException {
        ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return rsa(file, RSAPrivateKey.getInstance(info.parsePrivateKey()));
        }
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            EcCurve curve = curve(file, X962Parameters.getInstance(info.getPrivateKeyAlgorithm().getParameters()));
            return sec1(file, ECPrivateKey.getInstance(info.parsePrivateKey()), curve);
        }
        if (algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
            throw new KeyFileException(file, "RSA-PSS-only keys are not supported; use a plain rsaEncryption key");
        }
        throw new KeyFileException(file, "unsupported key algorithm " + algorithm.getId());
    }

    private static LoadedKey rsa(Path file, RSAPrivateKey key) throws KeyFileException, GeneralSecurityException,
            IOException {
        BigInteger n = key.getModulus();
        int bits = n.bitLength();
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw new KeyFileException(file, "RSA modulus of " + bits + " bits is outside " + MIN_RSA_BITS + " to "
                    + MAX_RSA_BITS);
        }
        String inconsistency = RsaConsistency.check(key);
        if (inconsistency != null) {
            throw new KeyFileException(file, "RSA key fails its consistency check: " + inconsistency);
        }

        PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                n, key.getPublicExponent(), key.getPrivateExponent(), key.getPrime1(), key.getPrime2(),
                key.getExponent1(), key.getExponent2(), key.getCoefficient()));
        byte[] publicKey = new RSAPublicKey(n, key.getPublicExponent()).getEncoded(ASN1Encoding.DER);
        byte[] modulus = BigIntegers.asUnsignedByteArray((bits + 7) / 8, n);
        return new LoadedKey(file, KeyType.RSA, privateKey, bits, null, KeyIdentifiers.rsaDigest(n),
                KeyIdentifiers.ski(publicKey), modulus);
    }

    private static LoadedKey sec1(Path file, ECPrivateKey key, EcCurve outerCurve) throws KeyFileException,
            GeneralSecurityException {
        EcCurve curve = outerCurve;
        if (key.getParametersObject() != null) {
            EcCurve inner = curve(file, X962Parameters.getInstance(key.getParametersObject()));
            if (curve != null && curve != inner) {
                throw new KeyFileException(file, "key says " + inner.displayName() + " but its parameters say "
                        + curve.displayName());
            }
            curve = inner;
        }
        if (curve == null) {
            throw new KeyFileException(file, "EC key names no curve and no EC PARAMETERS block precedes it");
        }

        BigInteger d = key.getKey();
        X9ECParameters parameters = curve.parameters();
        if (d.signum() <= 0 || d.compareTo(parameters.getN()) >= 0) {
            throw new KeyFileException(file, "EC private value is out of range for " + curve.displayName());
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(parameters.getG(), d).normalize();
        ASN1BitString stored = key.getPublicKey();
        if (stored != null && !parameters.getCurve().decodePoint(stored.getOctets()).equals(q)) {
            throw new KeyFileException(file, "EC public key does not match the private key");
        }

        PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, curve.spec()));
        return new LoadedKey(file, KeyType.EC, privateKey, curve.fieldSize(), curve,
                KeyIdentifiers.ecDigest(q.getEncoded(true)), KeyIdentifiers.ski(q.getEncoded(false)), null);
    }

    /** The served curve that {@code parameters} name, or the reason none does. */
    static EcCurve curve(Path file, X962Parameters parameters) throws KeyFileException {
        EcCurve curve;
        String described;
        if (parameters.isNamedCurve()) {
            ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.getInstance(parameters.getParameters());
            curve = EcCurve.forOid(oid);
            String name = ECNamedCurveTable.getName(oid);
            described = name != null ? name : oid.getId();
        } else if (parameters.isImplicitlyCA()) {
            throw new KeyFileException(file, "EC key with implicit parameters names no curve");
        } else {
            curve = EcCurve.forParameters(X9ECParameters.getInstance(parameters.getParameters()));
            described = "given by explicit parameters";
        }
        if (curve == null) {
            throw new KeyFileException(file, "unsupported curve " + described + "; P-256, P-384 and P-521 are served");
        }
        return curve;
    }

    /** Turns whatever a malformed block makes the parsers throw into a reason naming the block. */
    private static <T> T convert(Path file, PemObject block, Conversion<T> conversion) throws KeyFileException {
        try {
            return conversion.run();
        } catch (KeyFileException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException(file, "malformed " + block.getType() + " block: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Conversion<T> {
        T run() throws KeyFileException, IOException, GeneralSecurityException;
    }
}
