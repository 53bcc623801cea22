package io.keyless.cli;

import io.keyless.testing.Samples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where each flag's value comes from: the command line beats the environment, which beats the config file, which
 * beats the built-in default; and every wrong setting names its file and line, or its variable.
 */
class OptionSourcesTest {
    /** Stands for the config file of a case in its lines, environment and arguments. */
    private static final String FILE = "{file}";

    private static final List<String> REQUIRED = List.of(
            "ca-file = " + Samples.CLIENT_CA,
            "server-cert = " + Samples.SERVER_CERT,
            "server-key = " + Samples.SERVER_KEY,
            "private-key-directory = " + Samples.KEYS);

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void nameTheFile() {
        file = dir.resolve("keyless.conf");
    }

    static Stream<Arguments> precedence() {
        return Stream.of(
                Arguments.of("the built-in default applies when nothing sets a flag",
                        List.of(), Map.of(), List.of("--config", FILE),
                        "config: port = 2407 (default)"),
                Arguments.of("the file sets a flag",
                        List.of("port = 2500"), Map.of(), List.of("--config", FILE),
                        "config: port = 2500 (file {file}:1)"),
                Arguments.of("the environment beats the file",
                        List.of("port = 2500"), Map.of("KEYLESS_PORT", "2600"), List.of("--config", FILE),
                        "config: port = 2600 (environment KEYLESS_PORT)"),
                Arguments.of("the command line beats the environment",
                        List.of("port = 2500"), Map.of("KEYLESS_PORT", "2600"),
                        List.of("--config", FILE, "--port", "2700"),
                        "config: port = 2700 (command line)"),
                Arguments.of("the command line beats the file",
                        List.of("port = 2500"), Map.of(), List.of("--port=2700", "--config=" + FILE),
                        "config: port = 2700 (command line)"),
                Arguments.of("a flag that takes no value is turned on by the file",
                        List.of("verbose = true"), Map.of(), List.of("--config", FILE),
                        "config: verbose = true (file {file}:1)"),
                Arguments.of("yes turns a flag on",
                        List.of("# on", "verbose = Yes"), Map.of(), List.of("--config", FILE),
                        "config: verbose = true (file {file}:2)"),
                Arguments.of("off turns a flag off",
                        List.of("verbose = off"), Map.of(), List.of("--config", FILE),
                        "config: verbose = false (file {file}:1)"),
                Arguments.of("the environment turns a flag on",
                        List.of(), Map.of("KEYLESS_VERBOSE", "true"), List.of("--config", FILE),
                        "config: verbose = true (environment KEYLESS_VERBOSE)"),
                Arguments.of("the environment turns off a flag that the file turns on",
                        List.of("verbose = true"), Map.of("KEYLESS_VERBOSE", "no"), List.of("--config", FILE),
                        "config: verbose = false (environment KEYLESS_VERBOSE)"),
                Arguments.of("a flag on the command line beats false in the environment",
                        List.of(), Map.of("KEYLESS_VERBOSE", "false"), List.of("--config", FILE, "--verbose"),
                        "config: verbose = true (command line)"),
                // picocli turns a boolean flag to the opposite of its default unless told otherwise, and a file or
                // the environment supplies that default: the flag must still mean on.
                Arguments.of("a flag on the command line keeps on what the environment turns on",
                        List.of(), Map.of("KEYLESS_VERBOSE", "true"), List.of("--config", FILE, "--verbose"),
                        "config: verbose = true (command line)"),
                Arguments.of("a flag on the command line keeps on what the file turns on",
                        List.of("syslog = on"), Map.of(), List.of("--config", FILE, "--syslog"),
                        "config: syslog = true (command line)"),
                Arguments.of("an empty environment variable counts as unset",
                        List.of("port = 2500"), Map.of("KEYLESS_PORT", ""), List.of("--config", FILE),
                        "config: port = 2500 (file {file}:1)"),
                Arguments.of("a flag name with two words becomes one variable",
                        List.of(), Map.of("KEYLESS_MAX_CONNECTIONS", "50"), List.of("--config", FILE),
                        "config: max-connections = 50 (environment KEYLESS_MAX_CONNECTIONS)"),
                Arguments.of("a duration reads back as it was written",
                        List.of("idle-timeout = 90s"), Map.of(), List.of("--config", FILE),
                        "config: idle-timeout = 90s (file {file}:1)"),
                Arguments.of("the file named by KEYLESS_CONFIG is read",
                        List.of("port = 2500"), Map.of("KEYLESS_CONFIG", FILE), List.of(),
                        "config: port = 2500 (file {file}:1)"),
                Arguments.of("KEYLESS_CONFIG shows as the source of the config file",
                        List.of(), Map.of("KEYLESS_CONFIG", FILE), List.of(),
                        "config: config = {file} (environment KEYLESS_CONFIG)"),
                Arguments.of("--config beats KEYLESS_CONFIG",
                        List.of("port = 2500"), Map.of("KEYLESS_CONFIG", "/nonexistent/keyless.conf"),
                        List.of("--config", FILE),
                        "config: port = 2500 (file {file}:1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("precedence")
    void takesEachFlagFromTheStrongestSource(String sentence, List<String> lines, Map<String, String> environment,
            List<String> args, String expected) throws Exception {
        CommandLine commandLine = parse(lines, environment, args);

        assertThat(EffectiveConfiguration.lines(commandLine)).contains(expected.replace(FILE, file.toString()));
    }

    @Test
    void everyFlagThatTakesNoValueIsOnWhenGivenWhateverElseSetsIt() throws Exception {
        List<String> lines = new ArrayList<>();
        Map<String, String> environment = new HashMap<>();
        List<String> args = new ArrayList<>(List.of("--config", FILE));
        for (String flag : List.of("silent", "verbose", "daemon", "syslog")) {
            lines.add(flag + " = true");
            environment.put("KEYLESS_" + flag.toUpperCase(Locale.ROOT), "yes");
            args.add("--" + flag);
        }
        args.add("--test");

        KeylessCommand command = parse(lines, environment, args).getCommand();

        assertThat(List.of(command.silent, command.verbose, command.test, command.daemon, command.syslog))
                .containsOnly(true);
    }

    @Test
    void requiredFlagsMayComeFromTheEnvironmentAlone() {
        Map<String, String> environment = Map.of(
                "KEYLESS_CA_FILE", Samples.CLIENT_CA.toString(),
                "KEYLESS_SERVER_CERT", Samples.SERVER_CERT.toString(),
                "KEYLESS_SERVER_KEY", Samples.SERVER_KEY.toString(),
                "KEYLESS_PRIVATE_KEY_DIRECTORY", Samples.KEYS.toString());
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());
        OptionSources.install(commandLine, environment);

        commandLine.parseArgs();

        KeylessCommand command = commandLine.getCommand();
        assertThat(command.caFile).isEqualTo(Samples.CLIENT_CA);
        assertThat(command.keyDirectory).isEqualTo(Samples.KEYS);
        assertThat(EffectiveConfiguration.lines(commandLine))
                .contains("config: server-key = " + Samples.SERVER_KEY + " (environment KEYLESS_SERVER_KEY)");
    }

    @Test
    void takesADollarSignLiterally() throws Exception {
        // picocli would otherwise expand ${env:...} and ${sys:...} in a default value, and turn $$ into $.
        CommandLine commandLine = parse(List.of("user = ${env:HOME}$$"), Map.of("KEYLESS_PID_FILE", "/run/$x"),
                List.of("--config", FILE));

        KeylessCommand command = commandLine.getCommand();
        assertThat(command.user).isEqualTo("${env:HOME}$$");
        assertThat(command.pidFile).isEqualTo(Path.of("/run/$x"));
    }

    @Test
    void readsTheConfigFileNamedInAnArgumentFile() throws Exception {
        Path arguments = Files.writeString(dir.resolve("args"), "--config " + file + "\n");

        CommandLine commandLine = parse(List.of("port = 2500"), Map.of(), List.of("@" + arguments));

        assertThat(EffectiveConfiguration.lines(commandLine))
                .contains("config: port = 2500 (file " + file + ":1)", "config: config = " + file + " (command line)");
    }

    @Test
    void ignoresEnvironmentVariablesThatNameNoFlag() throws Exception {
        Map<String, String> environment = Map.of("KEYLESS_JAR", "/opt/keyless.jar", "KEYLESS_DAEMONIZED", "1",
                "KEYLESS_READY_FILE", "/tmp/ready", "KEYLESS_OPTS", "-x", "KEYLESS_HELP", "true",
                "KEYLESS_VERSION", "yes");

        CommandLine commandLine = parse(List.of(), environment, List.of("--config", FILE));

        assertThat(commandLine.isUsageHelpRequested()).isFalse();
        assertThat(commandLine.isVersionHelpRequested()).isFalse();
        assertThat(String.join("\n", EffectiveConfiguration.lines(commandLine)))
                .doesNotContain("jar", "DAEMONIZED", "ready", "OPTS", "help", "version");
    }

    @Test
    void printsNoLineForAFlagWithoutAValue() throws Exception {
        CommandLine commandLine = parse(List.of(), Map.of(), List.of("--config", FILE));

        assertThat(EffectiveConfiguration.lines(commandLine))
                .noneMatch(line -> line.startsWith("config: ip ") || line.startsWith("config: pid-file "))
                .contains("config: silent = false (default)", "config: idle-timeout = 5m (default)");
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("an unknown name in the file is refused",
                        List.of("prot = 2407"), Map.of(), List.of("--config", FILE),
                        "{file}:1: unknown flag 'prot'"),
                Arguments.of("a line that does not parse is refused",
                        List.of("# fine", "port 2407"), Map.of(), List.of("--config", FILE),
                        "{file}:2: expected 'name = value'"),
                Arguments.of("a value picocli cannot convert is refused",
                        List.of("port = https"), Map.of(), List.of("--config", FILE),
                        "{file}:1: Invalid value for option '--port': 'https' is not an int"),
                Arguments.of("a duration that is not one is refused",
                        List.of("idle-timeout = soon"), Map.of(), List.of("--config", FILE),
                        "{file}:1: Invalid value for option '--idle-timeout': 'soon' is not a duration such as "
                                + "500ms, 10s, 5m or 1h"),
                Arguments.of("a bad value is refused even when the command line overrides it",
                        List.of("port = https"), Map.of(), List.of("--config", FILE, "--port", "2407"),
                        "{file}:1: Invalid value for option '--port': 'https' is not an int"),
                Arguments.of("a flag that takes no value takes only true or false",
                        List.of("verbose = maybe"), Map.of(), List.of("--config", FILE),
                        "{file}:1: verbose takes true or false (or yes/no, on/off), not 'maybe'"),
                Arguments.of("a config file cannot name another",
                        List.of("config = /etc/keyless/other.conf"), Map.of(), List.of("--config", FILE),
                        "{file}:1: config cannot be set in a config file"),
                Arguments.of("help cannot be set in a file",
                        List.of("help = true"), Map.of(), List.of("--config", FILE),
                        "{file}:1: help cannot be set in a config file"),
                Arguments.of("version cannot be set in a file",
                        List.of("--version = true"), Map.of(), List.of("--config", FILE),
                        "{file}:1: version cannot be set in a config file"),
                Arguments.of("test is for the command line, not a file a service starts with",
                        List.of("test = true"), Map.of(), List.of("--config", FILE, "--test"),
                        "{file}:1: test cannot be set in a config file"),
                Arguments.of("test is for the command line, not the environment",
                        List.of(), Map.of("KEYLESS_TEST", "true"), List.of("--config", FILE),
                        "environment KEYLESS_TEST: test cannot be set in the environment: give --test on the command "
                                + "line"),
                Arguments.of("a bad value in the environment names its variable",
                        List.of(), Map.of("KEYLESS_MAX_QUEUED", "lots"), List.of("--config", FILE),
                        "environment KEYLESS_MAX_QUEUED: Invalid value for option '--max-queued': 'lots' is not an "
                                + "int"),
                Arguments.of("a bad flag value in the environment names its variable",
                        List.of(), Map.of("KEYLESS_SILENT", "1"), List.of(),
                        "environment KEYLESS_SILENT: silent takes true or false (or yes/no, on/off), not '1'"),
                Arguments.of("a missing file for --config is refused",
                        List.of(), Map.of(), List.of("--config", "{file}.missing"),
                        "--config {file}.missing: no such file"),
                Arguments.of("a missing file named by KEYLESS_CONFIG is refused",
                        List.of(), Map.of("KEYLESS_CONFIG", "{file}.missing"), List.of(),
                        "KEYLESS_CONFIG {file}.missing: no such file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void refusesAWrongSettingNamingWhereItIs(String sentence, List<String> lines, Map<String, String> environment,
            List<String> args, String expected) {
        assertThatThrownBy(() -> parse(lines, environment, args))
                .isInstanceOf(ParameterException.class)
                .hasMessage(expected.replace(FILE, file.toString()));
    }

    @Test
    void answersHelpEvenWhenTheConfigFileIsBroken() {
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());

        OptionSources.install(commandLine, Map.of("KEYLESS_CONFIG", dir.resolve("missing").toString()), "--help");

        assertThat(commandLine.getDefaultValueProvider()).isNull();
        assertThat(commandLine.parseArgs("--help").isUsageHelpRequested()).isTrue();
    }

    @Test
    void saysWhereMissingRequiredFlagsCanComeFrom() {
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        String[] args = {"--ca-file", Samples.CLIENT_CA.toString()};
        OptionSources.install(commandLine, Map.of(), args);

        int status = commandLine.execute(args);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("keyless: Missing required options: --server-cert, --server-key, "
                + "--private-key-directory (give each on the command line, in the environment as KEYLESS_SERVER_CERT, "
                + "KEYLESS_SERVER_KEY, KEYLESS_PRIVATE_KEY_DIRECTORY, or in the --config file)\n"
                + "Try 'keyless --help' for the options.\n");
    }

    @Test
    void namesTheFileAndLineOfAValueOutOfRange() throws Exception {
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));
        Files.write(file, with(List.of("port = 70000")));
        String[] args = {"--config", file.toString()};
        OptionSources.install(commandLine, Map.of(), args);

        int status = commandLine.execute(args);

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith("keyless: --port must be 0 to 65535 (file " + file + ":1)\n");
    }

    /** Writes the case's file (its lines, then the required flags), installs the sources and parses. */
    private CommandLine parse(List<String> lines, Map<String, String> environment, List<String> args)
            throws Exception {
        Files.write(file, with(lines));
        Map<String, String> placed = new HashMap<>();
        environment.forEach((name, value) -> placed.put(name, value.replace(FILE, file.toString())));
        String[] placedArgs = args.stream().map(arg -> arg.replace(FILE, file.toString())).toArray(String[]::new);
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());

        OptionSources.install(commandLine, placed, placedArgs);
        commandLine.parseArgs(placedArgs);
        return commandLine;
    }

    private static List<String> with(List<String> lines) {
        List<String> all = new ArrayList<>(lines);
        all.addAll(REQUIRED);
        return all;
    }
}
