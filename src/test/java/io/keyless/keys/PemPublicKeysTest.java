package io.keyless.keys;

import io.keyless.testing.OpenSslCli;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PemPublicKeysTest {
    @TempDir
    Path dir;

    @Test
    void namesTheKeyAsTheServerDoesFromAPublicKey() throws Exception {
        for (String name : new String[] {"rsa2048", "p256"}) {
            PublicKeyIdentity identity = PemPublicKeys.read(Samples.KEYS.resolve(name + ".pub.pem"));
            LoadedKey key = PemPrivateKeys.read(Samples.KEYS.resolve(name + ".key"));

            assertThat(identity.type()).isEqualTo(key.type());
            assertThat(identity.bits()).isEqualTo(key.bits());
            assertThat(identity.digest()).isEqualTo(key.digest());
            assertThat(identity.ski()).isEqualTo(key.ski());
        }
    }

    @Test
    void readsTheKeyOfACertificateAndAnRsaPublicKeyBlock() throws Exception {
        Path key = Samples.RSA_KEY.toAbsolutePath();
        OpenSslCli.run(dir, "req", "-new", "-x509", "-key", key.toString(), "-subj", "/CN=site", "-days", "1",
                "-out", "site.pem");
        OpenSslCli.run(dir, "rsa", "-in", key.toString(), "-RSAPublicKey_out", "-out", "pkcs1.pem");
        LoadedKey loaded = PemPrivateKeys.read(key);

        assertThat(PemPublicKeys.read(dir.resolve("site.pem")).ski()).isEqualTo(loaded.ski());
        assertThat(PemPublicKeys.read(dir.resolve("pkcs1.pem")).digest()).isEqualTo(loaded.digest());
    }

    @Test
    void refusesAPrivateKeyAndGarbage() throws Exception {
        assertThatThrownBy(() -> PemPublicKeys.read(Samples.RSA_KEY))
                .hasMessageContaining("holds PRIVATE KEY, not a public key or certificate");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "nothing here");
        assertThatThrownBy(() -> PemPublicKeys.read(garbage)).hasMessageContaining("no PEM public key");
    }
}
