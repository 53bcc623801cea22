package io.keyless.keys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads every {@code *.key} file of a directory into a {@link KeyIndex}, all or nothing: one bad file fails the
 * whole load, with every bad file named.
 */
public final class KeyDirectory {
    private static final Logger log = LoggerFactory.getLogger(KeyDirectory.class);

    private KeyDirectory() {
    }

    /**
     * Reads, checks and indexes the keys of {@code directory}.
     *
     * @throws KeyLoadException naming every file that cannot be served, or the directory itself when it cannot be
     *         listed or holds no key file
     */
    public static KeyIndex load(Path directory) throws KeyLoadException {
        return load(directory, KeyTranslator.NONE);
    }

    /**
     * Reads, checks and indexes the keys of {@code directory}, each translated for the provider that will use it.
     *
     * @throws KeyLoadException naming every file that cannot be served, or the directory itself when it cannot be
     *         listed or holds no key file
     */
    public static KeyIndex load(Path directory, KeyTranslator translator) throws KeyLoadException {
        List<Path> files = list(directory);
        // Parsing and checking dominate start-up with many keys; the files are independent.
        List<Object> results = files.parallelStream().map(file -> readOne(file, translator)).toList();

        for (Path file : files) {
            String exposure = KeyFilePermissions.exposure(file);
            if (exposure != null) {
                log.warn("key file={} is readable by {}; only the server's user should read it: chmod 600 {}",
                        file, exposure, file);
            }
        }

        List<KeyFileException> problems = new ArrayList<>();
        Map<ByteBuffer, LoadedKey> byDigest = new LinkedHashMap<>();
        for (Object result : results) {
            if (result instanceof KeyFileException problem) {
                problems.add(problem);
                continue;
            }
            LoadedKey key = (LoadedKey) result;
            LoadedKey first = byDigest.putIfAbsent(ByteBuffer.wrap(key.digestArray()), key);
            if (first != null) {
                log.warn("key file={} is the same key as file={}; serving it once", key.file(), first.file());
            } else {
                log.debug("key loaded file={} type={} ski={} digest={}", key.file(), key.describe(),
                        KeyIdentifiers.hex(key.skiArray()), KeyIdentifiers.hex(key.digestArray()));
            }
        }
        if (!problems.isEmpty()) {
            throw new KeyLoadException(problems);
        }
        return new KeyIndex(new ArrayList<>(byDigest.values()));
    }

    private static Object readOne(Path file, KeyTranslator translator) {
        try {
            LoadedKey key = PemPrivateKeys.read(file);
            return key.withPrivateKey(translator.translate(key));
        } catch (KeyFileException e) {
            return e;
        } catch (GeneralSecurityException | RuntimeException e) {
            return new KeyFileException(file, "the crypto provider cannot use this key: " + e.getMessage());
        }
    }

    private static List<Path> list(Path directory) throws KeyLoadException {
        if (!Files.isDirectory(directory)) {
            throw single(directory, Files.exists(directory) ? "is not a directory" : "no such directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.key")) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw single(directory, "cannot list: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw single(directory, "holds no .key files");
        }
        files.sort(null);
        return files;
    }

    private static KeyLoadException single(Path path, String reason) {
        return new KeyLoadException(List.of(new KeyFileException(path, reason)));
    }
}
