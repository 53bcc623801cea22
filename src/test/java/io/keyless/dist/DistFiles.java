package io.keyless.dist;

import com.sun.security.auth.module.UnixSystem;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The tarball and the Debian package that {@code mvn package} built, and what the tests need to look into them. */
final class DistFiles {
    /** The PATH a command gets from {@link #withCleanEnvironment}: the system's programs only, as under systemd. */
    static final String SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private DistFiles() {
    }

    /** The project version, which Maven hands to failsafe. */
    static String version() {
        String version = System.getProperty("keyless.version");
        assertThat(version).as("system property keyless.version (set by the POM for failsafe)").isNotBlank();
        return version;
    }

    /** jdeb's Debian form of the project version: 1.0.0-SNAPSHOT becomes 1.0.0~SNAPSHOT, sorting before 1.0.0. */
    static String debianVersion() {
        return version().replace("-SNAPSHOT", "~SNAPSHOT");
    }

    static Path tarball() {
        return built(Path.of("target", "keyless-" + version() + ".tar.gz"));
    }

    static Path deb() {
        return built(Path.of("target", "keyless_" + debianVersion() + "_all.deb"));
    }

    private static Path built(Path file) {
        assumeFalse("false".equals(System.getProperty("keyless.dist.built")),
                "the tarball and the .deb were not built: -Ddist.skip");
        assertThat(file).as("%s: built by mvn package unless -Ddist.skip is given", file).isRegularFile();
        return file.toAbsolutePath();
    }

    /** The command run with nothing in its environment but {@link #SYSTEM_PATH}: no JAVA_HOME, no KEYLESS_JAR. */
    static List<String> withCleanEnvironment(List<String> command) {
        List<String> clean = new ArrayList<>(List.of("env", "-i", "PATH=" + SYSTEM_PATH));
        clean.addAll(command);
        return clean;
    }

    /** Whether a program is on the PATH of this JVM. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", SYSTEM_PATH).split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static boolean isRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /**
     * The entries of a {@code tar -tv} or {@code dpkg-deb -c} listing, as name to "mode owner/group", a symlink as
     * "l -> target": the size and date columns are left out.
     */
    static Map<String, String> entries(String listing) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : listing.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // -rwxr-xr-x root/root      1274 2026-12-03 19:46 ./usr/share/keyless/bin/keyless
            String[] columns = line.trim().split("\\s+", 6);
            assertThat(columns).as("listing line '%s'", line).hasSize(6);
            String name = columns[5];
            if (columns[0].startsWith("l")) {
                String[] link = name.split(" -> ", 2);
                entries.put(link[0], "l -> " + link[1]);
            } else {
                entries.put(name, columns[0] + " " + columns[1]);
            }
        }
        return entries;
    }
}
