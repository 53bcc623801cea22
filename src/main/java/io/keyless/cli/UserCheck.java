package io.keyless.cli;

import com.sun.security.auth.module.UnixSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's side of {@code --user}: it cannot change its own user, so it only checks that whoever started it
 * (scripts/keyless through setpriv, or systemd's {@code User=}) already did.
 */
final class UserCheck {
    private UserCheck() {
    }

    /**
     * Says why the process does not run as {@code spec} ("user" or "user:group", names or numbers), or returns
     * {@code null} if it does.
     */
    static String problem(String spec) {
        if (spec == null) {
            return null;
        }
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        if (user.isEmpty() || (group != null && group.isEmpty())) {
            return "--user " + spec + ": give USER or USER:GROUP";
        }
        UnixSystem self = new UnixSystem();
        boolean userMatches = isNumber(user) ? user.equals(Long.toString(self.getUid()))
                : user.equals(self.getUsername());
        if (!userMatches) {
            return "--user " + spec + ": running as " + self.getUsername() + "; a JVM cannot change its user, so "
                    + "start it with scripts/keyless as root or with systemd's User=";
        }
        if (group != null) {
            Long gid = isNumber(group) ? parse(group) : groupId(group);
            if (gid == null) {
                return "--user " + spec + ": no group " + group;
            }
            if (gid != self.getGid()) {
                return "--user " + spec + ": running with group id " + self.getGid() + ", not " + group;
            }
        }
        return null;
    }

    private static boolean isNumber(String text) {
        return text.chars().allMatch(Character::isDigit);
    }

    private static Long parse(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Looks a group name up in /etc/group, where the groups of system users live. */
    private static Long groupId(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/group"))) {
                String[] fields = line.split(":");
                if (fields.length >= 3 && fields[0].equals(name)) {
                    return parse(fields[2]);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
