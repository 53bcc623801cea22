package io.keyless.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates a test needs that the sample PKI must not contain: expired ones, ones not valid yet, ones for the
 * wrong purpose. P-256 keys, written as PEM files into a test's directory.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final Path caFile;

    /** A certificate and its key, as files. */
    public record Issued(Path certificate, Path key) {
    }

    private TestPki(Path dir, String name) throws GeneralSecurityException, IOException {
        this.dir = dir;
        this.caKeys = newKeyPair();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minusSeconds(3600)), Date.from(now.plusSeconds(86400)), subject, caKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.caCertificate = sign(builder, caKeys);
        this.caFile = write(name + "-ca.pem", caCertificate);
    }

    /** A new CA whose certificate is written to {@code dir}. */
    public static TestPki authority(Path dir, String name) {
        try {
            return new TestPki(dir, name);
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError(e);
        }
    }

    public Path caFile() {
        return caFile;
    }

    /** A certificate valid for the given period, with the given extended key usages (none: no extension). */
    public Issued issue(String name, Instant notBefore, Instant notAfter, KeyPurposeId... usages) {
        try {
            KeyPair keys = newKeyPair();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + name), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            if (usages.length > 0) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages));
            }
            return new Issued(write(name + ".pem", sign(builder, caKeys)),
                    write(name + ".key", new JcaPKCS8Generator(keys.getPrivate(), null)));
        } catch (GeneralSecurityException | IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A client certificate valid from an hour ago for a day, for TLS client authentication. */
    public Issued issueClient(String name) {
        Instant now = Instant.now();
        return issue(name, now.minusSeconds(3600), now.plusSeconds(86400), KeyPurposeId.id_kp_clientAuth);
    }

    /** A server certificate valid from a day ago until {@code validFor} from now, for TLS server authentication. */
    public Issued issueServer(String name, Duration validFor) {
        Instant now = Instant.now();
        return issue(name, now.minus(Duration.ofDays(1)), now.plus(validFor), KeyPurposeId.id_kp_serverAuth);
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIALS.incrementAndGet());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private Path write(String name, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }
}
