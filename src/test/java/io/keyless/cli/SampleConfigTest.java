package io.keyless.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config file that packages install as /etc/keyless/keyless.conf, read with the server's own parser so that
 * it cannot fall behind the flags.
 */
class SampleConfigTest {
    private static final Path SAMPLE = Path.of("config/keyless.conf");

    /** A flag shown commented out: "# name = value". */
    private static final Pattern COMMENTED_OUT = Pattern.compile("# ([a-z][a-z0-9-]*) = (.+)");

    @TempDir
    Path dir;

    @Test
    void servesTheKeysUnderEtcKeylessOnPort2407() {
        CommandLine commandLine = parse(SAMPLE);

        KeylessCommand command = commandLine.getCommand();
        assertThat(command.caFile).isEqualTo(Path.of("/etc/keyless/client-ca.pem"));
        assertThat(command.serverCert).isEqualTo(Path.of("/etc/keyless/server.pem"));
        assertThat(command.serverKey).isEqualTo(Path.of("/etc/keyless/server.key"));
        assertThat(command.keyDirectory).isEqualTo(Path.of("/etc/keyless/keys"));
        assertThat(command.port).isEqualTo(2407);
        assertThat(EffectiveConfiguration.lines(commandLine)).anyMatch(line -> line.matches(
                "config: port = 2407 \\(file " + Pattern.quote(SAMPLE.toString()) + ":\\d+\\)"));
    }

    @Test
    void showsEveryFlagThatAFileMaySet() throws Exception {
        String text = Files.readString(SAMPLE);
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());

        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            String flag = OptionSources.longName(option);
            if (option.usageHelp() || option.versionHelp() || OptionSources.CONFIG_FLAG.equals(flag)
                    || OptionSources.COMMAND_LINE_ONLY.contains(flag)) {
                assertThat(text).as("config/keyless.conf shows %s, which a file cannot set", flag)
                        .doesNotContainPattern("(?m)^(# )?" + Pattern.quote(OptionSources.nameOf(flag)) + " = ");
                continue;
            }
            String name = OptionSources.nameOf(flag);
            assertThat(text).as("config/keyless.conf has no line for %s: add one, commented out with its default",
                    flag).containsPattern("(?m)^(# )?" + Pattern.quote(name) + " = ");
        }
    }

    @Test
    void commentsOutTheDefaultsAndLinesThatStillParse() throws Exception {
        CommandLine defaults = CommandLines.create("keyless", new KeylessCommand());
        List<String> uncommented = new ArrayList<>();
        int shown = 0;
        for (String line : Files.readAllLines(SAMPLE)) {
            Matcher matcher = COMMENTED_OUT.matcher(line);
            OptionSpec option = matcher.matches() ? defaults.getCommandSpec().findOption(matcher.group(1)) : null;
            if (option == null) {
                uncommented.add(line);
                continue;
            }
            String shownValue = matcher.group(2);
            if (option.defaultValue() != null) {
                assertThat(shownValue).as(line).isEqualTo(option.defaultValue());
            } else if (option.typeInfo().isBoolean()) {
                assertThat(shownValue).as(line).isEqualTo("false");
            }
            uncommented.add(line.substring(2));
            shown++;
        }
        Path everything = Files.write(dir.resolve("keyless.conf"), uncommented);

        CommandLine commandLine = parse(everything);

        assertThat(shown).isGreaterThan(10);
        KeylessCommand command = commandLine.getCommand();
        assertThat(command.maxPending).isEqualTo(1024);
        assertThat(command.user).isEqualTo("keyless");
        // Every flag a file may set came from the file; --test, which it may not, keeps its default.
        assertThat(EffectiveConfiguration.lines(commandLine)).filteredOn(line -> line.endsWith("(default)"))
                .containsExactly("config: test = false (default)");
    }

    private static CommandLine parse(Path file) {
        CommandLine commandLine = CommandLines.create("keyless", new KeylessCommand());
        String[] args = {"--config", file.toString()};
        OptionSources.install(commandLine, Map.of(), args);
        commandLine.parseArgs(args);
        return commandLine;
    }
}
