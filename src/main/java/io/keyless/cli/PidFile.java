package io.keyless.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file holding the server's process id: written only once the server listens, atomically so that a reader
 * never sees half of it, and removed on a clean stop.
 */
final class PidFile {
    private final Path path;

    PidFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    /** Says why the file could not be written later, or {@code null} if its directory is ready. */
    String problem() {
        Path directory = path.getParent();
        if (!Files.isDirectory(directory)) {
            return "no such directory " + directory;
        }
        if (!Files.isWritable(directory)) {
            return "directory " + directory + " is not writable";
        }
        return null;
    }

    void write(long pid) throws IOException {
        Path temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, pid + "\n");
            try {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Removes the file if it still names this process; another server may have taken the path since. */
    void delete(long pid) {
        try {
            if (Files.isRegularFile(path) && Files.readString(path).trim().equals(Long.toString(pid))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // Nothing to do at exit; the next start overwrites it.
        }
    }
}
