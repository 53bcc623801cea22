package io.keyless.keys;

import io.keyless.testing.LogCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static io.keyless.testing.OpenSslCli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyDirectoryTest {
    @TempDir
    static Path source;

    @TempDir
    Path dir;

    @BeforeAll
    static void generateKeys() {
        run(source, "genrsa", "-traditional", "-out", "rsa.key", "2048");
        run(source, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.key");
    }

    @Test
    void indexesEveryKeyBySkiAndByDigest() throws Exception {
        copy("rsa.key", "a.key");
        copy("ec.key", "b.key");

        KeyIndex index = KeyDirectory.load(dir);

        assertThat(index.size()).isEqualTo(2);
        assertThat(index.count(KeyType.RSA)).isOne();
        assertThat(index.count(KeyType.EC)).isOne();
        for (LoadedKey key : index.keys()) {
            assertThat(index.findBySki(key.ski())).isSameAs(key);
            assertThat(index.findByDigest(key.digest())).isSameAs(key);
        }
    }

    @Test
    void findsByBufferSlicesWhetherHeapOrDirect() throws Exception {
        copy("rsa.key", "a.key");
        KeyIndex index = KeyDirectory.load(dir);
        LoadedKey key = index.keys().get(0);

        ByteBuf heap = Unpooled.buffer().writeZero(5).writeBytes(key.ski());
        ByteBuf direct = Unpooled.directBuffer().writeZero(3).writeBytes(key.digest());
        try {
            assertThat(index.find(heap.slice(5, 20), null)).isSameAs(key);
            assertThat(index.find(null, direct.slice(3, 32))).isSameAs(key);
        } finally {
            heap.release();
            direct.release();
        }
    }

    @Test
    void usesTheSkiWhenPresentEvenIfOnlyTheDigestMatches() throws Exception {
        copy("rsa.key", "a.key");
        KeyIndex index = KeyDirectory.load(dir);
        LoadedKey key = index.keys().get(0);

        ByteBuf unknownSki = Unpooled.wrappedBuffer(new byte[20]);
        ByteBuf digest = Unpooled.wrappedBuffer(key.digest());
        assertThat(index.find(unknownSki, digest)).isNull();
        assertThat(index.find(null, digest)).isSameAs(key);
        assertThat(index.find(null, null)).isNull();
    }

    @Test
    void servesADuplicatedKeyOnceAndSaysSoOnce() throws Exception {
        copy("rsa.key", "a.key");
        copy("rsa.key", "b.key");
        copy("ec.key", "c.key");

        try (LogCapture log = LogCapture.of(KeyDirectory.class)) {
            KeyIndex index = KeyDirectory.load(dir);

            assertThat(index.size()).isEqualTo(2);
            assertThat(index.keys().get(0).file()).isEqualTo(dir.resolve("a.key"));
            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).containsExactly(
                    "WARN key file=" + dir.resolve("b.key") + " is the same key as file=" + dir.resolve("a.key")
                            + "; serving it once");
        }
    }

    @Test
    void warnsAboutEachKeyFileOthersCanReadAndStillServesIt() throws Exception {
        copy("rsa.key", "private.key");
        Files.setPosixFilePermissions(copy("ec.key", "group.key"), PosixFilePermissions.fromString("rw-r-----"));
        Files.setPosixFilePermissions(copy("rsa.key", "world.key"), PosixFilePermissions.fromString("rw-r--r--"));

        try (LogCapture log = LogCapture.of(KeyDirectory.class)) {
            KeyDirectory.load(dir);

            assertThat(log.lines()).filteredOn(line -> line.contains("readable by")).containsExactly(
                    "WARN key file=" + dir.resolve("group.key") + " is readable by group (mode rw-r-----); only the "
                            + "server's user should read it: chmod 600 " + dir.resolve("group.key"),
                    "WARN key file=" + dir.resolve("world.key") + " is readable by group and others (mode "
                            + "rw-r--r--); only the server's user should read it: chmod 600 "
                            + dir.resolve("world.key"));
        }
    }

    @Test
    void namesEveryBadFileAndLoadsNothing() throws Exception {
        copy("rsa.key", "good.key");
        Files.writeString(dir.resolve("bad1.key"), "nonsense");
        Files.writeString(dir.resolve("bad2.key"), "");

        assertThatThrownBy(() -> KeyDirectory.load(dir))
                .isInstanceOfSatisfying(KeyLoadException.class, e -> assertThat(e.problems())
                        .extracting(KeyFileException::file)
                        .containsExactly(dir.resolve("bad1.key"), dir.resolve("bad2.key")));
    }

    @Test
    void readsOnlyFilesEndingInDotKey() throws Exception {
        copy("rsa.key", "served.key");
        Files.writeString(dir.resolve("notes.txt"), "not a key");
        copy("ec.key", "ec.pem");

        assertThat(KeyDirectory.load(dir).size()).isOne();
    }

    @Test
    void refusesADirectoryWithoutKeys() throws IOException {
        Files.writeString(dir.resolve("readme.txt"), "no keys here");
        assertThatThrownBy(() -> KeyDirectory.load(dir))
                .isInstanceOf(KeyLoadException.class)
                .hasMessage(dir + ": holds no .key files");
    }

    @Test
    void refusesAMissingDirectory() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> KeyDirectory.load(missing))
                .isInstanceOf(KeyLoadException.class)
                .hasMessage(missing + ": no such directory");
    }

    @Test
    void refusesAFileGivenAsDirectory() throws IOException {
        Path file = copy("rsa.key", "a.key");
        assertThatThrownBy(() -> KeyDirectory.load(file))
                .isInstanceOf(KeyLoadException.class)
                .hasMessage(file + ": is not a directory");
    }

    /** Copies a key as an operator should keep it: readable by its owner only. */
    private Path copy(String from, String to) throws IOException {
        Path copy = Files.copy(source.resolve(from), dir.resolve(to));
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        return copy;
    }
}
