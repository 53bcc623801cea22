package io.keyless.keys;

import io.keyless.testing.OpenSslCli;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static io.keyless.testing.OpenSslCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemPrivateKeysTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generateKeys() {
        for (int bits : new int[] {1024, 2048, 3072, 4096}) {
            run(dir, "genrsa", "-traditional", "-out", "pkcs1-" + bits + ".key", Integer.toString(bits));
        }
        run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "pkcs8-rsa.key");
        run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1-params-p256.key");
        run(dir, "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "sec1-p384.key");
        run(dir, "ecparam", "-name", "secp521r1", "-genkey", "-noout", "-out", "sec1-p521.key");
        run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "pkcs8-p256.key");
        run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "pkcs8-p384.key");
        run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "pkcs8-p521.key");
        run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-param_enc", "explicit",
                "-out", "sec1-explicit-p256.key");
        run(dir, "ec", "-in", "sec1-p384.key", "-no_public", "-out", "sec1-nopublic-p384.key");
    }

    static Stream<Arguments> goodKeys() {
        return Stream.of(
                Arguments.of("pkcs1-1024.key", KeyType.RSA, 1024),
                Arguments.of("pkcs1-2048.key", KeyType.RSA, 2048),
                Arguments.of("pkcs1-3072.key", KeyType.RSA, 3072),
                Arguments.of("pkcs1-4096.key", KeyType.RSA, 4096),
                Arguments.of("pkcs8-rsa.key", KeyType.RSA, 2048),
                Arguments.of("sec1-params-p256.key", KeyType.EC, 256),
                Arguments.of("sec1-p384.key", KeyType.EC, 384),
                Arguments.of("sec1-p521.key", KeyType.EC, 521),
                Arguments.of("pkcs8-p256.key", KeyType.EC, 256),
                Arguments.of("pkcs8-p384.key", KeyType.EC, 384),
                Arguments.of("pkcs8-p521.key", KeyType.EC, 521),
                Arguments.of("sec1-explicit-p256.key", KeyType.EC, 256),
                Arguments.of("sec1-nopublic-p384.key", KeyType.EC, 384));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodKeys")
    void readsTheKeyWithTheDigestAndSkiOpensslComputes(String name, KeyType type, int bits) throws Exception {
        LoadedKey key = PemPrivateKeys.read(dir.resolve(name));

        assertThat(key.type()).isEqualTo(type);
        assertThat(key.bits()).isEqualTo(bits);
        assertThat(key.file()).isEqualTo(dir.resolve(name));
        assertThat(hex(key.digest())).as("digest").isEqualTo(hex(opensslDigest(name, type)));
        assertThat(hex(key.ski())).as("SKI").isEqualTo(hex(opensslSki(name)));
    }

    @Test
    void readsASec1KeyWhoseCurveIsOnlyInTheParametersBlock() throws Exception {
        // The EC PRIVATE KEY structure's parameters are optional when an EC PARAMETERS block says the curve.
        PemObject[] blocks = blocks("sec1-params-p256.key");
        ECPrivateKey full = ECPrivateKey.getInstance(blocks[1].getContent());
        ECPrivateKey bare = new ECPrivateKey(256, full.getKey(), (ASN1BitString) full.getPublicKey(), null);
        Path file = write("bare-sec1.key", blocks[0], new PemObject("EC PRIVATE KEY", bare.getEncoded()));

        LoadedKey key = PemPrivateKeys.read(file);

        assertThat(key.curve()).isEqualTo(EcCurve.P256);
        assertThat(key.digest()).isEqualTo(PemPrivateKeys.read(dir.resolve("sec1-params-p256.key")).digest());
    }

    @Test
    void ignoresACertificateBesideTheKey() throws Exception {
        run(dir, "req", "-new", "-x509", "-key", "pkcs1-2048.key", "-subj", "/CN=beside", "-days", "1",
                "-out", "beside.pem");
        Path file = dir.resolve("key-and-cert.key");
        Files.writeString(file, Files.readString(dir.resolve("beside.pem"))
                + Files.readString(dir.resolve("pkcs1-2048.key")));

        assertThat(PemPrivateKeys.read(file).type()).isEqualTo(KeyType.RSA);
    }

    @Test
    void refusesGarbage() throws IOException {
        assertRefused(Files.writeString(dir.resolve("garbage.key"), "this is not a key\n"),
                "no PEM private key found");
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        assertRefused(Files.writeString(dir.resolve("empty.key"), ""), "no PEM private key found");
    }

    @Test
    void refusesADerFile() {
        run(dir, "pkey", "-in", "pkcs8-p256.key", "-outform", "DER", "-out", "der.key");
        assertRefused(dir.resolve("der.key"), "no PEM private key found");
    }

    @Test
    void refusesAPublicKey() {
        run(dir, "pkey", "-in", "pkcs8-rsa.key", "-pubout", "-out", "public.key");
        assertRefused(dir.resolve("public.key"), "holds PUBLIC KEY, not a private key");
    }

    @Test
    void refusesACertificate() {
        run(dir, "req", "-new", "-x509", "-key", "pkcs8-p256.key", "-subj", "/CN=cert", "-days", "1",
                "-out", "cert.key");
        assertRefused(dir.resolve("cert.key"), "holds CERTIFICATE, not a private key");
    }

    @Test
    void refusesBrokenBase64() throws IOException {
        String pem = Files.readString(dir.resolve("pkcs1-2048.key"));
        String broken = pem.substring(0, 200) + "!!!!" + pem.substring(204);
        assertRefused(Files.writeString(dir.resolve("broken.key"), broken), "malformed");
    }

    @Test
    void refusesATruncatedKey() throws IOException {
        String pem = Files.readString(dir.resolve("pkcs1-2048.key"));
        String truncated = pem.substring(0, 300) + "\n-----END RSA PRIVATE KEY-----\n";
        assertRefused(Files.writeString(dir.resolve("truncated.key"), truncated), "malformed RSA PRIVATE KEY block");
    }

    @Test
    void refusesAnRsaKeyWhoseNumbersDisagree() throws Exception {
        RSAPrivateKey good = RSAPrivateKey.getInstance(blocks("pkcs1-2048.key")[0].getContent());
        RSAPrivateKey bad = new RSAPrivateKey(good.getModulus(), good.getPublicExponent(),
                good.getPrivateExponent().add(BigInteger.TWO), good.getPrime1(), good.getPrime2(),
                good.getExponent1(), good.getExponent2(), good.getCoefficient());
        Path file = write("inconsistent.key", new PemObject("RSA PRIVATE KEY", bad.getEncoded()));

        assertRefused(file, "RSA key fails its consistency check: d is not the inverse of e");
    }

    @Test
    void refusesAnRsaKeyWithAWrongCoefficient() throws Exception {
        RSAPrivateKey good = RSAPrivateKey.getInstance(blocks("pkcs1-2048.key")[0].getContent());
        RSAPrivateKey bad = new RSAPrivateKey(good.getModulus(), good.getPublicExponent(),
                good.getPrivateExponent(), good.getPrime1(), good.getPrime2(),
                good.getExponent1(), good.getExponent2(), good.getCoefficient().add(BigInteger.ONE));
        Path file = write("bad-coefficient.key", new PemObject("RSA PRIVATE KEY", bad.getEncoded()));

        assertRefused(file, "CRT coefficient");
    }

    @Test
    void refusesAnEcKeyWhosePublicPointIsNotItsOwn() throws Exception {
        ECPrivateKey mine = ECPrivateKey.getInstance(blocks("sec1-params-p256.key")[1].getContent());
        ECPrivateKey other = ECPrivateKey.getInstance(
                PrivateKeyInfo.getInstance(blocks("pkcs8-p256.key")[0].getContent())
                        .parsePrivateKey());
        ECPrivateKey mixed = new ECPrivateKey(256, mine.getKey(),
                (ASN1BitString) other.getPublicKey(),
                X962Parameters.getInstance(mine.getParametersObject()));
        Path file = write("mixed.key", new PemObject("EC PRIVATE KEY", mixed.getEncoded()));

        assertRefused(file, "EC public key does not match the private key");
    }

    @Test
    void refusesAnEncryptedPkcs8Key() {
        run(dir, "pkey", "-in", "pkcs8-rsa.key", "-aes256", "-passout", "pass:secret", "-out", "encrypted8.key");
        assertRefused(dir.resolve("encrypted8.key"), "encrypted private keys are not supported");
    }

    @Test
    void refusesAnEncryptedTraditionalKey() {
        run(dir, "rsa", "-in", "pkcs1-2048.key", "-traditional", "-aes128", "-passout", "pass:secret",
                "-out", "encrypted1.key");
        assertRefused(dir.resolve("encrypted1.key"), "encrypted private keys are not supported");
    }

    @Test
    void refusesAnUnsupportedCurve() {
        run(dir, "ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1.key");
        assertRefused(dir.resolve("k1.key"), "unsupported curve secp256k1");
    }

    @Test
    void refusesAnEd25519Key() {
        run(dir, "genpkey", "-algorithm", "ED25519", "-out", "ed.key");
        assertRefused(dir.resolve("ed.key"), "unsupported key algorithm 1.3.101.112");
    }

    @Test
    void refusesAWeakRsaKey() {
        run(dir, "genrsa", "-traditional", "-out", "weak.key", "512");
        assertRefused(dir.resolve("weak.key"), "RSA modulus of 512 bits is outside 1024 to 16384");
    }

    @Test
    void refusesTwoKeysInOneFile() throws IOException {
        Path file = Files.writeString(dir.resolve("two.key"), Files.readString(dir.resolve("pkcs1-2048.key"))
                + Files.readString(dir.resolve("pkcs8-p256.key")));
        assertRefused(file, "holds 2 private keys");
    }

    @Test
    void refusesAMissingFile() {
        assertRefused(dir.resolve("missing.key"), "no such file");
    }

    @Test
    void refusesADirectory() throws IOException {
        assertRefused(Files.createDirectories(dir.resolve("folder.key")), "is a directory");
    }

    private static void assertRefused(Path file, String reason) {
        assertThatThrownBy(() -> PemPrivateKeys.read(file))
                .isInstanceOfSatisfying(KeyFileException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.reason()).contains(reason);
                });
    }

    private static byte[] opensslDigest(String name, KeyType type) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        if (type == KeyType.RSA) {
            String modulus = run(dir, "rsa", "-in", name, "-noout", "-modulus").trim();
            assertThat(modulus).startsWith("Modulus=");
            return sha256.digest(modulus.substring("Modulus=".length()).getBytes(StandardCharsets.US_ASCII));
        }
        byte[] spki = OpenSslCli.runBinary(dir, "ec", "-in", name, "-pubout", "-conv_form", "compressed",
                "-param_enc", "named_curve", "-outform", "DER");
        byte[] point = SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getBytes();
        String upperHex = HexFormat.of().withUpperCase().formatHex(point);
        return sha256.digest(upperHex.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] opensslSki(String name) {
        String cert = name + ".ski.pem";
        run(dir, "req", "-new", "-x509", "-key", name, "-subj", "/CN=ski", "-days", "1",
                "-addext", "subjectKeyIdentifier=hash", "-out", cert);
        String text = run(dir, "x509", "-in", cert, "-noout", "-ext", "subjectKeyIdentifier");
        String hex = text.substring(text.indexOf('\n') + 1).trim().replace(":", "");
        return HexFormat.of().parseHex(hex);
    }

    private static PemObject[] blocks(String name) throws IOException {
        try (PemReader reader = new PemReader(new StringReader(Files.readString(dir.resolve(name))))) {
            List<PemObject> blocks = new ArrayList<>();
            for (PemObject block; (block = reader.readPemObject()) != null; ) {
                blocks.add(block);
            }
            return blocks.toArray(new PemObject[0]);
        }
    }

    private static Path write(String name, PemObject... blocks) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            for (PemObject block : blocks) {
                writer.writeObject(block);
            }
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
