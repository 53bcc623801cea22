package io.keyless.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a config file: one {@code name = value} per line, the name being a long flag with or without its leading
 * {@code --}; lines starting with {@code #} and blank lines are skipped; a value may be enclosed in double quotes.
 * Only the syntax is checked here; which names and values the command takes is for {@link OptionSources}.
 */
final class ConfigFile {
    private static final String DASHES = "--";
    private static final char QUOTE = '"';
    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s#");

    private ConfigFile() {
    }

    /** One setting: the flag's name without dashes, its value without quotes, and the line it was on. */
    record Entry(String name, String value, int line) {
    }

    /** The settings of {@code file}, in the order written. */
    static List<Entry> read(Path file) throws ConfigFileException {
        if (Files.isDirectory(file)) {
            throw new ConfigFileException(file, "is a directory, not a file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigFileException(file, "permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigFileException(file, "is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigFileException(file, "cannot read: " + e.getMessage());
        }
        return parse(file, lines);
    }

    /** The settings in {@code lines}, read from {@code file}. */
    static List<Entry> parse(Path file, List<String> lines) throws ConfigFileException {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLines = new HashMap<>();
        for (int index = 0; index < lines.size(); index++) {
            int number = index + 1;
            String line = lines.get(index).strip();
            if (index == 0 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }

            Entry entry = entry(file, number, line);
            Integer first = firstLines.putIfAbsent(entry.name(), number);
            if (first != null) {
                throw new ConfigFileException(file, number, entry.name() + " is set again (first on line " + first
                        + ")");
            }
            entries.add(entry);
        }
        return entries;
    }

    private static Entry entry(Path file, int number, String line) throws ConfigFileException {
        int equals = line.indexOf('=');
        if (equals < 0) {
            throw new ConfigFileException(file, number, "expected 'name = value'");
        }
        String name = line.substring(0, equals).strip();
        if (name.startsWith(DASHES)) {
            name = name.substring(DASHES.length());
        }
        if (name.isEmpty()) {
            throw new ConfigFileException(file, number, "no flag name before '='");
        }

        String value = line.substring(equals + 1).strip();
        if (!value.isEmpty() && value.charAt(0) == QUOTE) {
            if (value.length() < 2 || value.charAt(value.length() - 1) != QUOTE) {
                throw new ConfigFileException(file, number, "the opening quote of the value is not closed");
            }
            value = value.substring(1, value.length() - 1);
        } else if (TRAILING_COMMENT.matcher(value).find()) {
            // Taken as part of the value, "/run/keyless.pid # default" would quietly become another path.
            throw new ConfigFileException(file, number,
                    "a comment must be on a line of its own (quote the value if '#' is part of it)");
        }
        if (value.isEmpty()) {
            throw new ConfigFileException(file, number,
                    "no value after '=' (comment the line out to use the default)");
        }
        return new Entry(name, value, number);
    }
}
