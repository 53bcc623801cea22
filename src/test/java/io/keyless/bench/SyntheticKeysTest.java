package io.keyless.bench;

import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyIndex;
import io.keyless.keys.KeyType;
import io.keyless.keys.LoadedKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticKeysTest {
    @TempDir
    Path dir;

    @Test
    void writesDistinctKeysOfTheRequestedSizeThatTheServerLoads() throws Exception {
        SyntheticKeys.write(dir, 45, 1024);

        KeyIndex index = KeyDirectory.load(dir);

        assertThat(index.size()).isEqualTo(45);
        for (LoadedKey key : index.keys()) {
            assertThat(key.type()).isEqualTo(KeyType.RSA);
            assertThat(key.bits()).isEqualTo(1024);
        }
    }
}
