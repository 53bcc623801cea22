package io.keyless.keys;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a small file whole, turning the usual failures into reasons an operator can act on. */
final class FileBytes {
    /** Key and certificate files are a few kilobytes; anything much larger is the wrong file. */
    static final long MAX_SIZE = 1 << 20;

    private FileBytes() {
    }

    static byte[] read(Path file) throws KeyFileException {
        try {
            if (Files.isDirectory(file)) {
                throw new KeyFileException(file, "is a directory, not a file");
            }
            if (Files.size(file) > MAX_SIZE) {
                throw new KeyFileException(file, "is larger than " + MAX_SIZE + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied");
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read: " + e.getMessage());
        }
    }
}
