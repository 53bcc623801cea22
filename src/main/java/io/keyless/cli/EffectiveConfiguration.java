package io.keyless.cli;

import io.keyless.cli.OptionSources.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What each flag of a parsed command line ended up as, and where that came from: the command line, the
 * environment, the config file, or the built-in default.
 */
final class EffectiveConfiguration {
    private static final String COMMAND_LINE = "command line";
    private static final String DEFAULT = "default";

    private EffectiveConfiguration() {
    }

    /** One line per flag that has a value, in the order of {@code --help}: {@code config: port = 2407 (default)}. */
    static List<String> lines(CommandLine commandLine) {
        List<String> lines = new ArrayList<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            String name = OptionSources.longName(option);
            if (name == null || option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Optional<Setting> setting = setting(commandLine, option);
            setting.ifPresent(found -> lines.add("config: " + OptionSources.nameOf(name) + " = " + found.value() + " ("
                    + found.origin() + ")"));
        }
        return lines;
    }

    /**
     * Where {@code flag}'s value came from, to follow a message about that value: empty when it was given on the
     * command line (the operator has just typed it), else {@code " (file /etc/keyless/keyless.conf:3)"} and so on.
     */
    static String originSuffix(CommandLine commandLine, String flag) {
        OptionSpec option = commandLine.getCommandSpec().findOption(flag);
        return setting(commandLine, option)
                .filter(found -> !found.origin().equals(COMMAND_LINE))
                .map(found -> " (" + found.origin() + ")")
                .orElse("");
    }

    /** The value of {@code option} as written where it was set, and where; empty if it has none. */
    private static Optional<Setting> setting(CommandLine commandLine, OptionSpec option) {
        ParseResult parsed = commandLine.getParseResult();
        if (parsed != null && parsed.hasMatchedOption(option)) {
            List<String> written = parsed.matchedOption(OptionSources.longName(option)).stringValues();
            // A flag that takes no value has nothing written after it: show what it was set to.
            String value = written.isEmpty() ? String.valueOf((Object) option.getValue())
                    : written.get(written.size() - 1);
            return Optional.of(new Setting(value, COMMAND_LINE));
        }
        if (commandLine.getDefaultValueProvider() instanceof OptionSources sources) {
            Optional<Setting> fromSources = sources.setting(option);
            if (fromSources.isPresent()) {
                return fromSources;
            }
        }
        if (option.defaultValue() != null) {
            return Optional.of(new Setting(option.defaultValue(), DEFAULT));
        }
        Object value = option.getValue();
        return value == null ? Optional.empty() : Optional.of(new Setting(String.valueOf(value), DEFAULT));
    }
}
