package io.keyless.keys;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the certificates of a PEM file: a server certificate and its chain, or a bundle of CA certificates. */
public final class PemCertificates {
    private PemCertificates() {
    }

    /**
     * Returns every certificate in {@code file}, in file order.
     *
     * @throws KeyFileException when the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> read(Path file) throws KeyFileException {
        byte[] bytes = FileBytes.read(file);
        if (!new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            throw new KeyFileException(file, "holds no PEM certificate");
        }
        Collection<? extends Certificate> parsed;
        try {
            parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw new KeyFileException(file, "malformed certificate: " + e.getMessage());
        }
        if (parsed.isEmpty()) {
            throw new KeyFileException(file, "holds no certificate");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : parsed) {
            certificates.add((X509Certificate) certificate);
        }
        return certificates;
    }
}
