package io.keyless.cli;

import com.sun.security.auth.module.UnixSystem;

/**
 * The JVM's side of {@code --user}: it cannot change its own user, so it only checks that whoever started it
 * (scripts/keyless through setpriv, or systemd's {@code User=}) already did.
 */
final class UserCheck {
    private UserCheck() {
    }

    /** Says why the process does not run as {@code spec} ("user" or "user:group"), or {@code null} if it does. */
    static String problem(String spec) {
        if (spec == null) {
            return null;
        }
        String user = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        if (user.isEmpty()) {
            return "--user " + spec + ": no user name";
        }
        UnixSystem self = new UnixSystem();
        boolean matches = user.chars().allMatch(Character::isDigit)
                ? Long.parseLong(user) == self.getUid()
                : user.equals(self.getUsername());
        if (matches) {
            return null;
        }
        return "--user " + spec + ": running as " + self.getUsername() + "; a JVM cannot change its user, so start "
                + "it with scripts/keyless as root or with systemd's User=";
    }
}
