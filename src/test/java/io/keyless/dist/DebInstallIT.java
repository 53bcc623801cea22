package io.keyless.dist;

import io.keyless.testing.KeylessProcess;
import io.keyless.testing.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.keyless.dist.DistFiles.withCleanEnvironment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Installs the .deb on this machine as an operator would, runs the installed server as the keyless user on the
 * sample PKI, checks it with the installed test client, reloads and stops it, then removes, reinstalls, upgrades and
 * purges the package, following the unit's enablement through each step. It changes the real system (a package, a
 * system user), so it runs only as root on Debian, as CI does, and skips where a keyless package is installed.
 */
class DebInstallIT {
    private static final Path KEYS = Path.of("/etc/keyless/keys");
    /** A key an operator put in the key directory (a copy of a sample key); purge must leave it. */
    private static final Path OPERATOR_KEY = KEYS.resolve("left-by-DebInstallIT.key");
    private static final Path UNIT = Path.of("/lib/systemd/system/keyless.service");
    private static final List<Path> INSTALLED = List.of(
            Path.of("/usr/share/keyless"), Path.of("/usr/bin/keyless"), Path.of("/usr/bin/keyless-testclient"),
            Path.of("/usr/bin/keyless-bench"), Path.of("/etc/keyless/keyless.conf"),
            Path.of("/etc/keyless/logback.xml"), Path.of("/etc/default/keyless"),
            UNIT, Path.of("/var/lib/keyless"));
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private KeylessProcess server;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void installsServesAsTheKeylessUserAndPurges() throws Exception {
        assumeTrue(DistFiles.onPath("dpkg"), "dpkg not found: the .deb is installed only on Debian");
        assumeTrue(DistFiles.isRoot(), "not root: this test installs the .deb into this system (CI runs as root)");
        Path deb = DistFiles.deb();
        List<String> unmet = unmetDependencies(deb);
        assumeTrue(unmet.isEmpty(), "the .deb's dependencies are not installed: " + unmet
                + "; apt-get install openjdk-17-jre-headless adduser procps");

        // Purging would delete an operator's configuration: a machine where keyless is installed is left alone.
        assumeFalse(knownToDpkg(), "the keyless package is installed on this machine; this test installs and purges "
                + "its own and leaves an existing installation alone (purge it to run the test here)");
        deleteOperatorKeyCopy();
        try {
            install(deb);
            checkUserAndDirectories();
            checkInstalledFiles();
            assertUnitState(true, false);
            verifyInstalledUnit();
            serveReloadAndStop();

            // Remove keeps the configuration and masks the unit whose file it deleted; installing again unmasks
            // and enables it as before, and runs postinst with the user and the statoverride already there.
            remove();
            assertUnitState(true, true);
            install(deb);
            checkUserAndDirectories();
            assertUnitState(true, false);

            // An administrator's "systemctl disable" outlives an upgrade.
            disableAsAnAdministratorWould();
            assertUnitState(false, false);
            install(deb);
            assertUnitState(false, false);

            purgeRemovingEverything();

            // Installing after a purge finds the user there, but no statoverride and no memory of the disable.
            install(deb);
            checkUserAndDirectories();
            assertUnitState(true, false);

            purgeKeepingTheOperatorsKey();
        } finally {
            cleanUp();
        }
    }

    private void install(Path deb) throws Exception {
        KeylessProcess.Result result = run(List.of("dpkg", "-i", deb.toString()));

        assertThat(result.status()).as("dpkg -i\n%s\n%s", result.stdout(), result.stderr()).isZero();
        assertThat(result.stdout()).contains("Setting up keyless (" + DistFiles.debianVersion() + ")");
    }

    private void checkUserAndDirectories() throws Exception {
        String[] user = succeed(List.of("getent", "passwd", "keyless")).trim().split(":");
        String[] group = succeed(List.of("getent", "group", "keyless")).trim().split(":");

        assertThat(Integer.parseInt(user[2])).as("uid of a system user").isLessThan(1000);
        assertThat(user[3]).as("primary group").isEqualTo(group[2]);
        assertThat(user[5]).as("home").isEqualTo("/var/lib/keyless");
        assertThat(user[6]).as("shell").isEqualTo("/usr/sbin/nologin");
        assertOwnerAndMode(KEYS, "rwx------");
        assertOwnerAndMode(Path.of("/var/lib/keyless"), "rwxr-x---");
        assertThat(succeed(List.of("dpkg-statoverride", "--list", KEYS.toString())))
                .isEqualTo("keyless keyless 700 /etc/keyless/keys\n");
    }

    private void checkInstalledFiles() throws Exception {
        assertThat(Path.of("/usr/bin/keyless").toRealPath()).isEqualTo(Path.of("/usr/share/keyless/bin/keyless"));
        assertThat(Path.of("/usr/bin/keyless-testclient").toRealPath())
                .isEqualTo(Path.of("/usr/share/keyless/bin/testclient"));
        assertSameBytes(UNIT, Path.of("config/keyless.service"));
        assertSameBytes(Path.of("/etc/default/keyless"), Path.of("config/keyless.default"));
        assertThat(succeed(List.of("dpkg-query", "-W", "-f=${Conffiles}", "keyless")))
                .contains(" /etc/keyless/keyless.conf ", " /etc/keyless/logback.xml ", " /etc/default/keyless ");
        // The unit starts the server with --config /etc/keyless/keyless.conf: it must name files in /etc/keyless.
        assertThat(Files.readString(Path.of("/etc/keyless/keyless.conf")))
                .containsPattern("(?m)^ca-file\\s*=\\s*/etc/keyless/client-ca\\.pem$")
                .containsPattern("(?m)^server-cert\\s*=\\s*/etc/keyless/server\\.pem$")
                .containsPattern("(?m)^server-key\\s*=\\s*/etc/keyless/server\\.key$")
                .containsPattern("(?m)^private-key-directory\\s*=\\s*/etc/keyless/keys$");
    }

    private void verifyInstalledUnit() throws Exception {
        if (!DistFiles.onPath("systemd-analyze")) {
            System.out.println("DebInstallIT: no systemd-analyze (package systemd): the unit is not verified");
            return;
        }
        KeylessProcess.Result result = run(List.of("systemd-analyze", "verify", UNIT.toString()));

        assertThat(result.status()).as(result.stderr()).isZero();
        assertThat(result.stderr().lines()).noneMatch(line -> line.contains("keyless.service"));
    }

    /**
     * The installed launcher as the unit runs it (its --config file, the JVM options of /etc/default/keyless, the
     * --test first), as root with --user keyless since systemd does not run here. The installed keyless.conf names
     * files under /etc/keyless that a test must not write: KEYLESS_* variables point at the sample PKI in a scratch
     * directory instead, and the command line moves the server to loopback. Metrics on, to check /health.
     */
    private void serveReloadAndStop() throws Exception {
        Path pki = samplePkiForTheKeylessUser();
        int port = KeylessProcess.freePort();
        int metricsPort = KeylessProcess.freePort();
        List<String> environment = List.of(
                "KEYLESS_CA_FILE=" + pki.resolve("client-ca.pem"),
                "KEYLESS_SERVER_CERT=" + pki.resolve("server.pem"),
                "KEYLESS_SERVER_KEY=" + pki.resolve("server.key"),
                "KEYLESS_PRIVATE_KEY_DIRECTORY=" + pki.resolve("keys"));
        List<String> flags = List.of("--config", "/etc/keyless/keyless.conf", "--user", "keyless",
                "--ip", "127.0.0.1", "--port", Integer.toString(port), "--metrics-port", Integer.toString(metricsPort));

        KeylessProcess.Result test = run(launcher(environment, flags, "--test"));
        assertThat(test.status()).as("--test as ExecStartPre= runs it:\n%s%s", test.stdout(), test.stderr()).isZero();
        assertThat(test.stdout()).contains("config: ca-file = " + pki.resolve("client-ca.pem")
                + " (environment KEYLESS_CA_FILE)").contains("config: port = " + port + " (command line)")
                .endsWith("configuration OK\n");

        server = KeylessProcess.start(dir, launcher(environment, flags), Map.of());
        awaitListening(port);
        assertThat(scrape(metricsPort, "/health")).isEqualTo("ok\n");

        String status = Files.readString(Path.of("/proc/" + server.pid() + "/status"));
        String uid = succeed(List.of("id", "-u", "keyless")).trim();
        assertThat(status).containsPattern("Uid:\\s+" + uid + "\\s+" + uid);
        String commandLine = Files.readString(Path.of("/proc/" + server.pid() + "/cmdline")).replace('\0', ' ');
        assertThat(commandLine).contains("-Dlogback.configurationFile=/etc/keyless/logback.xml")
                .contains("-jar /usr/share/keyless/lib/keyless.jar");

        assertHealthy(health(port, "--rsa-pubkey", "rsa2048.pub.pem", "--ec-pubkey", "p256.pub.pem"));
        assertThat(health(port, "--ec-pubkey", "p384.pub.pem").status()).as("p384 is not served yet").isOne();

        // SIGHUP reloads the key directory: the P-384 key added now is served afterwards.
        copyForKeyless(Samples.KEYS.resolve("p384.key"), pki.resolve("keys/p384.key"), "rw-------");
        server.signal("HUP");
        assertHealthy(awaitHealthy(port, "--ec-pubkey", "p384.pub.pem"));
        assertThat(server.isAlive()).isTrue();
        String metrics = scrape(metricsPort, "/metrics");
        assertThat(metrics).contains("keyless_keys_loaded 3.0\n", "keyless_reloads_total{result=\"ok\"} 1.0\n");

        server.signal("TERM");
        assertThat(server.waitFor(Duration.ofSeconds(30))).as("exit status after SIGTERM").isZero();
    }

    private void remove() throws Exception {
        KeylessProcess.Result remove = run(List.of("dpkg", "--remove", "keyless"));

        assertThat(remove.status()).as("dpkg --remove\n%s\n%s", remove.stdout(), remove.stderr()).isZero();
        assertThat(Path.of("/usr/share/keyless")).doesNotExist();
        assertThat(Path.of("/etc/keyless/keyless.conf")).as("a conffile after remove").exists();
        assertThat(installedState()).isEqualTo("rc ");
    }

    private void disableAsAnAdministratorWould() throws Exception {
        if (DistFiles.onPath("systemctl")) {
            succeed(List.of("systemctl", "disable", "--quiet", "keyless.service"));
        } else {
            // What systemctl disable does to this unit, on a machine without systemd's tools.
            Files.delete(Path.of("/etc/systemd/system/multi-user.target.wants/keyless.service"));
        }
    }

    /**
     * Whether the unit is enabled (its multi-user.target.wants link, as "systemctl enable" makes it, which needs no
     * running systemd) and whether it is masked (a link to /dev/null, which deb-systemd-helper puts in place of a
     * removed unit so that nothing starts a package that is gone).
     */
    private static void assertUnitState(boolean enabled, boolean masked) throws IOException {
        Path wants = Path.of("/etc/systemd/system/multi-user.target.wants/keyless.service");
        Path mask = Path.of("/etc/systemd/system/keyless.service");

        assertThat(Files.isSymbolicLink(wants)).as("%s (enabled)", wants).isEqualTo(enabled);
        if (enabled) {
            assertThat(Files.readSymbolicLink(wants)).isEqualTo(UNIT);
        }
        assertThat(Files.isSymbolicLink(mask)).as("%s (masked)", mask).isEqualTo(masked);
        if (masked) {
            assertThat(Files.readSymbolicLink(mask)).isEqualTo(Path.of("/dev/null"));
        }
    }

    /** What deb-systemd-helper remembers of keyless.service: whether it enabled or masked it, and its links. */
    private static List<Path> debSystemdHelperRecords() throws IOException {
        Path records = Path.of("/var/lib/systemd");
        if (!Files.isDirectory(records)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(records)) {
            return files.filter(file -> file.toString().startsWith("/var/lib/systemd/deb-systemd-helper-")
                    && file.getFileName().toString().startsWith("keyless.service")).toList();
        }
    }

    private void purgeRemovingEverything() throws Exception {
        KeylessProcess.Result purge = purge();

        assertThat(purge.stderr()).doesNotContain("purge left");
        assertThat(KEYS.getParent()).doesNotExist();
    }

    private void purgeKeepingTheOperatorsKey() throws Exception {
        copyForKeyless(Samples.EC_KEY, OPERATOR_KEY, "rw-------");

        KeylessProcess.Result purge = purge();

        assertThat(purge.stderr()).contains("keyless: purge left these files").contains("  " + OPERATOR_KEY + "\n");
        assertSameBytes(OPERATOR_KEY, Samples.EC_KEY);
        // The user stays: files elsewhere may still belong to it (the operator's key above does).
        assertThat(run(List.of("getent", "passwd", "keyless")).status()).isZero();
    }

    /** dpkg --purge, and what every purge must have removed. */
    private KeylessProcess.Result purge() throws Exception {
        KeylessProcess.Result purge = run(List.of("dpkg", "--purge", "keyless"));

        assertThat(purge.status()).as("dpkg --purge\n%s\n%s", purge.stdout(), purge.stderr()).isZero();
        for (Path path : INSTALLED) {
            assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as("%s after purge", path).isFalse();
        }
        assertThat(run(List.of("dpkg-statoverride", "--list", KEYS.toString())).status()).isOne();
        assertThat(installedState()).isIn("", "un ");
        assertUnitState(false, false);
        assertThat(debSystemdHelperRecords()).as("deb-systemd-helper's records of the unit after purge").isEmpty();
        return purge;
    }

    private Path samplePkiForTheKeylessUser() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path pki = Files.createDirectories(dir.resolve("pki"));
        Files.setPosixFilePermissions(pki, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Samples.CLIENT_CA, pki.resolve("client-ca.pem"));
        Files.copy(Samples.SERVER_CERT, pki.resolve("server.pem"));
        copyForKeyless(Samples.SERVER_KEY, pki.resolve("server.key"), "rw-------");
        Path keys = Files.createDirectories(pki.resolve("keys"));
        succeed(List.of("chown", "keyless:keyless", keys.toString()));
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
        copyForKeyless(Samples.RSA_KEY, keys.resolve("rsa2048.key"), "rw-------");
        copyForKeyless(Samples.EC_KEY, keys.resolve("p256.key"), "rw-------");
        return pki;
    }

    /** The installed launcher with /etc/default/keyless read as systemd reads it, in a clean environment. */
    private static List<String> launcher(List<String> environment, List<String> flags, String... more) {
        List<String> command = new ArrayList<>(environment);
        command.addAll(List.of("sh", "-c", "set -a; . /etc/default/keyless; set +a; exec /usr/bin/keyless \"$@\"",
                "keyless"));
        command.addAll(flags);
        command.addAll(List.of(more));
        return withCleanEnvironment(command);
    }

    private static String scrape(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    private void copyForKeyless(Path from, Path to, String mode) throws Exception {
        Files.copy(from, to);
        succeed(List.of("chown", "keyless:keyless", to.toString()));
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
    }

    private void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!server.isAlive()) {
                    throw new AssertionError("the server exited " + server.waitFor(Duration.ZERO)
                            + "\nstdout:\n" + server.stdout() + "\nstderr:\n" + server.stderr());
                }
                assertThat(System.nanoTime()).as("listening on 127.0.0.1:%d within 60 s", port).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** The installed test client's --health, with public keys of keys/sample. */
    private KeylessProcess.Result health(int port, String... keys) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/keyless-testclient", "--server", "127.0.0.1"));
        command.addAll(KeylessProcess.sampleClientFlags(port));
        for (int i = 0; i < keys.length; i += 2) {
            command.addAll(List.of(keys[i], Samples.KEYS.resolve(keys[i + 1]).toString()));
        }
        command.add("--health");
        return run(withCleanEnvironment(command));
    }

    private KeylessProcess.Result awaitHealthy(int port, String... keys) throws Exception {
        KeylessProcess.Result result = health(port, keys);
        for (int attempt = 1; attempt < 5 && result.status() != 0; attempt++) {
            Thread.sleep(500);
            result = health(port, keys);
        }
        return result;
    }

    private static void assertHealthy(KeylessProcess.Result result) {
        assertThat(result.status()).as("%s%s", result.stdout(), result.stderr()).isZero();
        assertThat(result.stdout()).endsWith("healthy\n");
    }

    private boolean knownToDpkg() throws Exception {
        String state = installedState();
        return !state.isEmpty() && !state.equals("un ");
    }

    /** Deletes the test's stand-in for an operator's key, and nothing that is not a copy of the sample key. */
    private static void deleteOperatorKeyCopy() throws IOException {
        if (Files.isRegularFile(OPERATOR_KEY) && Files.mismatch(OPERATOR_KEY, Samples.EC_KEY) == -1L) {
            Files.delete(OPERATOR_KEY);
        }
    }

    /** dpkg's status of the keyless package, such as "ii " or "rc ", or "" if dpkg never heard of it. */
    private String installedState() throws Exception {
        KeylessProcess.Result query = run(List.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "keyless"));
        return query.status() == 0 ? query.stdout() : "";
    }

    private void cleanUp() throws Exception {
        if (server != null) {
            server.close();
        }
        if (knownToDpkg()) {
            run(List.of("dpkg", "--purge", "keyless"));
        }
        deleteOperatorKeyCopy();
        for (Path emptied : List.of(KEYS, KEYS.getParent())) {
            try {
                Files.deleteIfExists(emptied);
            } catch (DirectoryNotEmptyException notOurs) {
                // Something else lives there: not this test's to delete.
            }
        }
    }

    /** The groups of the .deb's Depends (a | b, c) of which no installed package is or provides one. */
    private List<String> unmetDependencies(Path deb) throws Exception {
        String depends = succeed(List.of("dpkg-deb", "-f", deb.toString(), "Depends")).trim();
        Set<String> installed = new HashSet<>();
        String packages = succeed(List.of("dpkg-query", "-W", "-f=${db:Status-Abbrev}\t${Package}\t${Provides}\n"));
        for (String line : packages.split("\n")) {
            String[] fields = line.split("\t", -1);
            if (fields.length == 3 && fields[0].startsWith("ii")) {
                installed.add(fields[1]);
                for (String provided : fields[2].split(",")) {
                    installed.add(withoutVersion(provided));
                }
            }
        }
        List<String> unmet = new ArrayList<>();
        for (String group : depends.split(",")) {
            boolean met = false;
            for (String alternative : group.split("\\|")) {
                met |= installed.contains(withoutVersion(alternative));
            }
            if (!met) {
                unmet.add(group.trim());
            }
        }
        return unmet;
    }

    private static String withoutVersion(String dependency) {
        int version = dependency.indexOf('(');
        return (version < 0 ? dependency : dependency.substring(0, version)).trim();
    }

    private static void assertOwnerAndMode(Path path, String mode) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class);
        assertThat(attributes.owner().getName()).as("owner of %s", path).isEqualTo("keyless");
        assertThat(attributes.group().getName()).as("group of %s", path).isEqualTo("keyless");
        assertThat(PosixFilePermissions.toString(attributes.permissions())).as("mode of %s", path).isEqualTo(mode);
    }

    private static void assertSameBytes(Path actual, Path expected) throws IOException {
        assertThat(Files.mismatch(actual, expected)).as("%s differs from %s", actual, expected).isEqualTo(-1L);
    }

    private String succeed(List<String> command) throws Exception {
        KeylessProcess.Result result = run(command);
        assertThat(result.status()).as("%s\n%s", String.join(" ", command), result.stderr()).isZero();
        return result.stdout();
    }

    private KeylessProcess.Result run(List<String> command) throws Exception {
        return KeylessProcess.runCommand(dir, command, COMMAND_LIMIT);
    }
}
