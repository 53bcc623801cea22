package io.keyless.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whether a private key file can be read by anyone but its owner. Only the key server's user should be able to read
 * its keys: a key readable by a group or by everyone is a key any local process might copy.
 */
public final class KeyFilePermissions {
    private KeyFilePermissions() {
    }

    /**
     * Who besides the owner can read {@code file}: {@code "group"}, {@code "others"}, {@code "group and others"},
     * followed by the mode, e.g. {@code "others (mode rw-r--r--)"}; or {@code null} when nobody else can, or when
     * the file system has no POSIX permissions to ask.
     */
    public static String exposure(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return null;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            // A file whose attributes cannot be read cannot be read as a key either; loading it says why.
            return null;
        }
        boolean group = permissions.contains(PosixFilePermission.GROUP_READ);
        boolean others = permissions.contains(PosixFilePermission.OTHERS_READ);
        if (!group && !others) {
            return null;
        }
        String who = group && others ? "group and others" : group ? "group" : "others";
        return who + " (mode " + PosixFilePermissions.toString(permissions) + ")";
    }
}
