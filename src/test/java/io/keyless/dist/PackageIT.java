package io.keyless.dist;

import io.keyless.testing.KeylessProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keyless.dist.DistFiles.withCleanEnvironment;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the tarball and the .deb that mvn package built hold, and that the unpacked tarball runs. */
class PackageIT {
    private static final String FILE = "-rw-r--r-- root/root";
    private static final String PROGRAM = "-rwxr-xr-x root/root";
    private static final String DIR = "drwxr-xr-x root/root";

    @TempDir
    Path dir;

    @Test
    void tarballHoldsBinLibConfAndTheLicence() throws Exception {
        String top = "keyless-" + DistFiles.version() + "/";

        Map<String, String> entries = DistFiles.entries(run("tar", "-tvzf", DistFiles.tarball().toString()));

        entries.values().removeIf(entry -> entry.startsWith("d"));
        assertThat(entries).containsOnly(
                entry(top + "bin/keyless", PROGRAM),
                entry(top + "bin/testclient", PROGRAM),
                entry(top + "bin/bench", PROGRAM),
                entry(top + "lib/keyless.jar", FILE),
                entry(top + "conf/keyless.conf", FILE),
                entry(top + "conf/logback.xml", FILE),
                entry(top + "conf/keyless.service", FILE),
                entry(top + "conf/keyless.default", FILE),
                entry(top + "LICENSE", FILE),
                entry(top + "README.md", FILE),
                entry(top + "RELEASE_NOTES.md", FILE),
                entry(top + "docs/operations.md", FILE));
    }

    @Test
    void tarballCarriesTheBuiltJarTheScriptsAndTheConfiguration() throws Exception {
        Path top = unpackTarball();

        assertSameBytes(top.resolve("lib/keyless.jar"), Path.of("target/keyless.jar"));
        for (String script : List.of("keyless", "testclient", "bench")) {
            assertSameBytes(top.resolve("bin").resolve(script), Path.of("scripts").resolve(script));
        }
        for (String config : List.of("keyless.conf", "logback.xml", "keyless.service", "keyless.default")) {
            assertSameBytes(top.resolve("conf").resolve(config), Path.of("config").resolve(config));
        }
    }

    @Test
    void unpackedTarballChecksTheSampleConfiguration() throws Exception {
        Path top = unpackTarball();
        List<String> command = new ArrayList<>(List.of(top.resolve("bin/keyless").toString(), "--test"));
        command.addAll(KeylessProcess.sampleFlags(2407));

        KeylessProcess.Result result = runResult(withCleanEnvironment(command));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("keys: 3 from keys/sample").endsWith("configuration OK\n");
    }

    @Test
    void unpackedToolsRunThroughASymlinkFromElsewhere() throws Exception {
        Path top = unpackTarball();
        Path links = Files.createDirectories(dir.resolve("links"));

        for (String tool : List.of("keyless", "testclient", "bench")) {
            Path link = Files.createSymbolicLink(links.resolve("keyless-" + tool), top.resolve("bin").resolve(tool));

            KeylessProcess.Result result = runResult(withCleanEnvironment(List.of(link.toString(), "--version")));

            assertThat(result.status()).as(tool + ": " + result.stderr()).isZero();
            assertThat(result.stdout()).startsWith("keyless " + DistFiles.version() + "\n");
        }
    }

    @Test
    void debListsEveryPathWithItsOwnerAndMode() throws Exception {
        assumeDpkgDeb();

        Map<String, String> entries = DistFiles.entries(run("dpkg-deb", "-c", DistFiles.deb().toString()));

        assertThat(entries).containsOnly(
                entry("./usr/", DIR),
                entry("./usr/bin/", DIR),
                entry("./usr/bin/keyless", "l -> ../share/keyless/bin/keyless"),
                entry("./usr/bin/keyless-testclient", "l -> ../share/keyless/bin/testclient"),
                entry("./usr/bin/keyless-bench", "l -> ../share/keyless/bin/bench"),
                entry("./usr/share/", DIR),
                entry("./usr/share/keyless/", DIR),
                entry("./usr/share/keyless/bin/", DIR),
                entry("./usr/share/keyless/bin/keyless", PROGRAM),
                entry("./usr/share/keyless/bin/testclient", PROGRAM),
                entry("./usr/share/keyless/bin/bench", PROGRAM),
                entry("./usr/share/keyless/lib/", DIR),
                entry("./usr/share/keyless/lib/keyless.jar", FILE),
                entry("./usr/share/doc/", DIR),
                entry("./usr/share/doc/keyless/", DIR),
                entry("./usr/share/doc/keyless/copyright", FILE),
                entry("./usr/share/doc/keyless/README.md", FILE),
                entry("./usr/share/doc/keyless/operations.md", FILE),
                entry("./usr/share/doc/keyless/RELEASE_NOTES.md", FILE),
                entry("./etc/", DIR),
                entry("./etc/keyless/", DIR),
                entry("./etc/keyless/keyless.conf", FILE),
                entry("./etc/keyless/logback.xml", FILE),
                // Handed to the keyless user by postinst, which exists only from then on.
                entry("./etc/keyless/keys/", "drwx------ root/root"),
                entry("./etc/default/", DIR),
                entry("./etc/default/keyless", FILE),
                entry("./lib/", DIR),
                entry("./lib/systemd/", DIR),
                entry("./lib/systemd/system/", DIR),
                entry("./lib/systemd/system/keyless.service", FILE));
    }

    @Test
    void debIsNamedForItsVersionAndDeclaresDependenciesAndConffiles() throws Exception {
        assumeDpkgDeb();
        Path deb = DistFiles.deb();

        String fields = run("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture", "Depends");
        String conffiles = run("dpkg-deb", "-I", deb.toString(), "conffiles");

        assertThat(fields).isEqualTo("Package: keyless\nVersion: " + DistFiles.debianVersion() + "\n"
                + "Architecture: all\n"
                + "Depends: openjdk-17-jre-headless | java17-runtime-headless, adduser, procps\n");
        assertThat(deb.getFileName()).hasToString("keyless_" + DistFiles.debianVersion() + "_all.deb");
        assertThat(conffiles.lines()).containsExactlyInAnyOrder(
                "/etc/keyless/keyless.conf", "/etc/keyless/logback.xml", "/etc/default/keyless");
    }

    @Test
    void debMaintainerScriptsAreExecutableShellThatParses() throws Exception {
        assumeDpkgDeb();
        Path control = dir.resolve("control");

        run("dpkg-deb", "-e", DistFiles.deb().toString(), control.toString());

        assertThat(Files.readString(control.resolve("control"))).doesNotContain("[[").contains("Maintainer: ");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = control.resolve(script);
            assertThat(file).isExecutable();
            assertThat(Files.readString(file)).startsWith("#!/bin/sh\n").contains("\nset -e\n");
            run("sh", "-n", file.toString());
        }
    }

    @Test
    void debCarriesTheBuiltJarTheScriptsAndTheConfiguration() throws Exception {
        assumeDpkgDeb();
        Path root = dir.resolve("root");

        run("dpkg-deb", "-x", DistFiles.deb().toString(), root.toString());

        assertSameBytes(root.resolve("usr/share/keyless/lib/keyless.jar"), Path.of("target/keyless.jar"));
        for (String script : List.of("keyless", "testclient", "bench")) {
            assertSameBytes(root.resolve("usr/share/keyless/bin").resolve(script), Path.of("scripts").resolve(script));
        }
        assertSameBytes(root.resolve("etc/keyless/keyless.conf"), Path.of("config/keyless.conf"));
        assertSameBytes(root.resolve("etc/keyless/logback.xml"), Path.of("config/logback.xml"));
        assertSameBytes(root.resolve("etc/default/keyless"), Path.of("config/keyless.default"));
        assertSameBytes(root.resolve("lib/systemd/system/keyless.service"), Path.of("config/keyless.service"));
    }

    private Path unpackTarball() throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        run("tar", "-xzf", DistFiles.tarball().toString(), "-C", unpacked.toString());
        return unpacked.resolve("keyless-" + DistFiles.version());
    }

    private static void assumeDpkgDeb() {
        assumeTrue(DistFiles.onPath("dpkg-deb"), "dpkg-deb not found: the .deb is only looked into on Debian");
    }

    private static void assertSameBytes(Path actual, Path expected) throws Exception {
        assertThat(Files.mismatch(actual, expected)).as("%s differs from %s", actual, expected).isEqualTo(-1L);
    }

    /** Runs a command that must succeed and returns what it printed. */
    private String run(String... command) throws Exception {
        KeylessProcess.Result result = runResult(List.of(command));
        assertThat(result.status()).as("%s\n%s", String.join(" ", command), result.stderr()).isZero();
        return result.stdout();
    }

    private KeylessProcess.Result runResult(List<String> command) throws Exception {
        return KeylessProcess.runCommand(dir, command, Duration.ofSeconds(60));
    }
}
