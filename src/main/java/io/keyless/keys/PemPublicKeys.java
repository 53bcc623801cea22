package io.keyless.keys;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/**
 * Reads the public half of a served key from a PEM file: a {@code PUBLIC KEY}, an {@code RSA PUBLIC KEY}, or the
 * first {@code CERTIFICATE}. Clients use it to name the key and to check what the server returns.
 */
public final class PemPublicKeys {
    private PemPublicKeys() {
    }

    public static PublicKeyIdentity read(Path file) throws KeyFileException {
        List<PemObject> blocks = PemPrivateKeys.readBlocks(file);
        if (blocks.isEmpty()) {
            throw new KeyFileException(file, "no PEM public key or certificate found");
        }
        PemObject block = blocks.get(0);
        try {
            SubjectPublicKeyInfo info = switch (block.getType()) {
                case "PUBLIC KEY" -> SubjectPublicKeyInfo.getInstance(block.getContent());
                case "RSA PUBLIC KEY" -> new SubjectPublicKeyInfo(
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                                DERNull.INSTANCE),
                        RSAPublicKey.getInstance(block.getContent()));
                case "CERTIFICATE" -> Certificate.getInstance(block.getContent()).getSubjectPublicKeyInfo();
                default -> throw new KeyFileException(file, "holds " + block.getType()
                        + ", not a public key or certificate");
            };
            return identify(file, info);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException(file, "malformed " + block.getType() + " block: " + e.getMessage());
        }
    }

    private static PublicKeyIdentity identify(Path file, SubjectPublicKeyInfo info) throws KeyFileException,
            IOException, GeneralSecurityException {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        byte[] bits = info.getPublicKeyData().getBytes();
        X509EncodedKeySpec spec = new X509EncodedKeySpec(info.getEncoded());
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            BigInteger modulus = RSAPublicKey.getInstance(bits).getModulus();
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(spec);
            return new PublicKeyIdentity(file, KeyType.RSA, key, modulus.bitLength(), null,
                    KeyIdentifiers.rsaDigest(modulus), KeyIdentifiers.ski(bits));
        }
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            EcCurve curve = PemPrivateKeys.curve(file, X962Parameters.getInstance(info.getAlgorithm().getParameters()));
            ECPoint point = curve.parameters().getCurve().decodePoint(bits).normalize();
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(spec);
            return new PublicKeyIdentity(file, KeyType.EC, key, curve.fieldSize(), curve,
                    KeyIdentifiers.ecDigest(point.getEncoded(true)), KeyIdentifiers.ski(point.getEncoded(false)));
        }
        throw new KeyFileException(file, "unsupported key algorithm " + algorithm.getId());
    }
}
