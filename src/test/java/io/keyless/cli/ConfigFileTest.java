package io.keyless.cli;

import io.keyless.cli.ConfigFile.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The syntax of a config file: what each kind of line means, and the file and line of every mistake. */
class ConfigFileTest {
    private static final Path FILE = Path.of("/etc/keyless/keyless.conf");

    @TempDir
    Path dir;

    static Stream<Arguments> goodLines() {
        return Stream.of(
                Arguments.of("a name and a value are read", "port = 2407", "port", "2407"),
                Arguments.of("the name may keep its leading dashes", "--port = 2407", "port", "2407"),
                Arguments.of("whitespace around name and value is trimmed", "  \tport\t=   2407  ", "port", "2407"),
                Arguments.of("no whitespace is needed", "port=2407", "port", "2407"),
                Arguments.of("double quotes around a value are stripped", "user = \"keyless\"", "user", "keyless"),
                Arguments.of("a quoted value keeps its spaces and hashes", "pid-file = \" a #b \"", "pid-file",
                        " a #b "),
                Arguments.of("an equals sign after the first belongs to the value", "user = a=b", "user", "a=b"),
                Arguments.of("a hash inside a word is part of the value", "pid-file = /run/k#1.pid", "pid-file",
                        "/run/k#1.pid"),
                Arguments.of("a quote inside a value is kept", "user = o\"brien", "user", "o\"brien"),
                Arguments.of("a byte order mark before the first name is ignored", "\uFEFFport = 1", "port", "1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodLines")
    void readsALine(String sentence, String line, String name, String value) throws Exception {
        assertThat(ConfigFile.parse(FILE, List.of(line))).containsExactly(new Entry(name, value, 1));
    }

    @Test
    void skipsCommentsAndBlankLinesButCountsThem() throws Exception {
        List<String> lines = List.of("# the port", "", "   ", "  # indented comment", "port = 2407", "#ip = ::1",
                "verbose = true");

        assertThat(ConfigFile.parse(FILE, lines))
                .containsExactly(new Entry("port", "2407", 5), new Entry("verbose", "true", 7));
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("a line without an equals sign is refused", List.of("port 2407"), 1,
                        "expected 'name = value'"),
                Arguments.of("a line with no name is refused", List.of("# ok", " = 2407"), 2,
                        "no flag name before '='"),
                Arguments.of("dashes alone are no name", List.of("-- = 2407"), 1, "no flag name before '='"),
                Arguments.of("a line with no value is refused", List.of("port =  "), 1,
                        "no value after '=' (comment the line out to use the default)"),
                Arguments.of("an empty quoted value is refused", List.of("port = \"\""), 1,
                        "no value after '=' (comment the line out to use the default)"),
                Arguments.of("an unclosed quote is refused", List.of("user = \"keyless"), 1,
                        "the opening quote of the value is not closed"),
                Arguments.of("a comment after a value is refused", List.of("port = 2407 # the default"), 1,
                        "a comment must be on a line of its own (quote the value if '#' is part of it)"),
                Arguments.of("a name given twice is refused", List.of("port = 1", "", "port = 2"), 3,
                        "port is set again (first on line 1)"),
                Arguments.of("a name given twice is refused with and without dashes",
                        List.of("port = 1", "--port = 2"), 2, "port is set again (first on line 1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void namesTheFileTheLineAndTheReason(String sentence, List<String> lines, int line, String reason) {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, lines))
                .isInstanceOf(ConfigFileException.class)
                .hasMessage(FILE + ":" + line + ": " + reason);
    }

    @Test
    void readsAFileWithWindowsLineEndings() throws Exception {
        Path file = Files.writeString(dir.resolve("keyless.conf"), "# comment\r\nport = 2407\r\nverbose = true\r\n");

        assertThat(ConfigFile.read(file))
                .containsExactly(new Entry("port", "2407", 2), new Entry("verbose", "true", 3));
    }

    @Test
    void refusesAMissingFile() {
        Path missing = dir.resolve("missing.conf");

        assertThatThrownBy(() -> ConfigFile.read(missing)).isInstanceOf(ConfigFileException.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void refusesADirectory() {
        assertThatThrownBy(() -> ConfigFile.read(dir)).isInstanceOf(ConfigFileException.class)
                .hasMessage(dir + ": is a directory, not a file");
    }

    @Test
    void refusesAFileThatIsNotUtf8Text() throws Exception {
        Path file = Files.write(dir.resolve("latin1.conf"), "user = caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigFile.read(file)).isInstanceOf(ConfigFileException.class)
                .hasMessage(file + ": is not UTF-8 text");
    }
}
