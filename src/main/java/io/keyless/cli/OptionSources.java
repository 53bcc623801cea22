package io.keyless.cli;

import io.keyless.cli.ConfigFile.Entry;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Flag values from {@code KEYLESS_*} environment variables and from the {@code --config} file, given to picocli as
 * default values: picocli takes them only for flags the command line leaves out, and the environment is consulted
 * before the file. Works on whatever options the command declares.
 */
final class OptionSources implements IDefaultValueProvider {
    /** Prefix of the environment variable for each flag: {@code --max-pending} is {@code KEYLESS_MAX_PENDING}. */
    static final String ENVIRONMENT_PREFIX = "KEYLESS_";

    /** The flag that names the config file. */
    static final String CONFIG_FLAG = "--config";

    /**
     * Flags taken only from the command line. A {@code test = true} left in a service's config file or environment
     * would make every start run the checks and exit 0, which a supervisor takes for a clean stop.
     */
    static final Set<String> COMMAND_LINE_ONLY = Set.of("--test");

    private static final String LONG_PREFIX = "--";

    private final Map<String, Setting> settings;

    private OptionSources(Map<String, Setting> settings) {
        this.settings = settings;
    }

    /** A flag's value as written, and where: {@code file /etc/keyless/keyless.conf:3} or {@code environment ...}. */
    record Setting(String value, String origin) {
    }

    /**
     * Reads the environment and the config file (named by {@code --config} in {@code args}, else by
     * {@code KEYLESS_CONFIG}) and makes them the defaults of {@code commandLine}, which will parse {@code args}.
     * Nothing is read when {@code args} ask for help or the version.
     *
     * @throws ParameterException naming the file and line, or the variable, of the first setting that is wrong
     */
    static void install(CommandLine commandLine, Map<String, String> environment, String... args) {
        explainMissingRequiredOptions(commandLine);
        CommandSpec spec = commandLine.getCommandSpec();
        ParseResult scan = scan(spec, args);
        if (scan != null && (scan.isUsageHelpRequested() || scan.isVersionHelpRequested())) {
            return;
        }

        Map<String, OptionSpec> settable = settable(spec);
        Map<String, Setting> settings = new HashMap<>();
        if (settable.containsKey(nameOf(CONFIG_FLAG))) {
            Path fromArgs = scan == null ? null : scan.matchedOptionValue(CONFIG_FLAG, null);
            String fromEnvironment = environmentValue(environment, CONFIG_FLAG);
            if (fromArgs != null) {
                readFile(commandLine, settable, fromArgs, CONFIG_FLAG, settings);
            } else if (fromEnvironment != null) {
                readFile(commandLine, settable, Path.of(fromEnvironment), variableOf(CONFIG_FLAG), settings);
            }
        }
        readEnvironment(commandLine, settable, environment, settings);
        commandLine.setDefaultValueProvider(new OptionSources(settings));
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        Setting setting = settings.get(longName(option));
        // picocli expands ${...} in default values and reads $$ as $: doubling every $ keeps the value as written.
        return setting == null ? null : setting.value().replace("$", "$$");
    }

    /** Where {@code option}'s value came from, if from the environment or the config file. */
    Optional<Setting> setting(OptionSpec option) {
        return Optional.ofNullable(settings.get(longName(option)));
    }

    /** The environment variable that sets {@code flag} ({@code --port} or {@code port}). */
    static String variableOf(String flag) {
        return ENVIRONMENT_PREFIX + nameOf(flag).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The long name of {@code option} with its dashes ({@code --port}), or {@code null} if it has none. */
    static String longName(OptionSpec option) {
        for (String name : option.names()) {
            if (name.startsWith(LONG_PREFIX)) {
                return name;
            }
        }
        return null;
    }

    /** {@code flag} without its leading dashes: the name a config file uses. */
    static String nameOf(String flag) {
        return flag.startsWith(LONG_PREFIX) ? flag.substring(LONG_PREFIX.length()) : flag;
    }

    /**
     * Finds {@code --config} and the help flags in {@code args} before the real parse, which needs the file's
     * values as its defaults. Any other argument is let through here; the real parse refuses what is wrong, so a
     * scan that fails returns {@code null}.
     */
    private static ParseResult scan(CommandSpec spec, String... args) {
        CommandSpec scan = CommandSpec.create();
        scan.parser().unmatchedArgumentsAllowed(true);
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp() || CONFIG_FLAG.equals(longName(option))) {
                scan.addOption(scratchCopy(option));
            }
        }
        try {
            return new CommandLine(scan).parseArgs(args);
        } catch (ParameterException e) {
            return null;
        }
    }

    /** What a file or the environment may set, by name without dashes: every long flag but help and version. */
    private static Map<String, OptionSpec> settable(CommandSpec spec) {
        Map<String, OptionSpec> settable = new LinkedHashMap<>();
        for (OptionSpec option : spec.options()) {
            String name = longName(option);
            if (name != null && !option.usageHelp() && !option.versionHelp()) {
                settable.put(nameOf(name), option);
            }
        }
        return settable;
    }

    private static void readFile(CommandLine commandLine, Map<String, OptionSpec> settable, Path file, String namedBy,
            Map<String, Setting> settings) {
        List<Entry> entries;
        try {
            entries = ConfigFile.read(file);
        } catch (ConfigFileException e) {
            // A file that cannot be read is named with the flag or variable that named it: --config /x: no such file.
            throw new ParameterException(commandLine, e.line() == 0 ? namedBy + " " + e.getMessage() : e.getMessage());
        }
        for (Entry entry : entries) {
            String where = file + ":" + entry.line();
            OptionSpec option = settable.get(entry.name());
            if (option == null || CONFIG_FLAG.equals(longName(option)) || commandLineOnly(option)) {
                boolean known = option != null || commandLine.getCommandSpec().findOption(entry.name()) != null;
                throw new ParameterException(commandLine, where + ": " + (known
                        ? entry.name() + " cannot be set in a config file" : "unknown flag '" + entry.name() + "'"));
            }
            String value = checked(commandLine, option, entry.name(), entry.value(), where);
            settings.put(longName(option), new Setting(value, "file " + where));
        }
    }

    private static void readEnvironment(CommandLine commandLine, Map<String, OptionSpec> settable,
            Map<String, String> environment, Map<String, Setting> settings) {
        for (Map.Entry<String, OptionSpec> entry : settable.entrySet()) {
            String value = environmentValue(environment, entry.getKey());
            if (value != null) {
                String variable = variableOf(entry.getKey());
                String where = "environment " + variable;
                OptionSpec option = entry.getValue();
                if (commandLineOnly(option)) {
                    throw new ParameterException(commandLine, where + ": " + entry.getKey()
                            + " cannot be set in the environment: give " + longName(option)
                            + " on the command line");
                }
                settings.put(longName(option), new Setting(checked(commandLine, option, entry.getKey(), value, where),
                        where));
            }
        }
    }

    private static boolean commandLineOnly(OptionSpec option) {
        return COMMAND_LINE_ONLY.contains(longName(option));
    }

    /** The variable that sets {@code flag}, trimmed; {@code null} when unset or empty, as shells often leave them. */
    private static String environmentValue(Map<String, String> environment, String flag) {
        String value = environment.get(variableOf(flag));
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * {@code value} as picocli should take it for {@code option}, checked now by converting it as the command line
     * would: a wrong setting is refused here, with its place, even where a stronger source overrides it.
     */
    private static String checked(CommandLine commandLine, OptionSpec option, String name, String value,
            String where) {
        String taken = value;
        if (option.typeInfo().isBoolean()) {
            taken = switch (value.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> "true";
                case "false", "no", "off" -> "false";
                default -> throw new ParameterException(commandLine, where + ": " + name
                        + " takes true or false (or yes/no, on/off), not '" + value + "'");
            };
        }
        CommandSpec one = CommandSpec.create().addOption(scratchCopy(option));
        try {
            new CommandLine(one).parseArgs(longName(option) + "=" + taken);
        } catch (ParameterException e) {
            throw new ParameterException(commandLine, where + ": " + e.getMessage(), e, option, value);
        }
        return taken;
    }

    /** {@code option} as a parse that only checks may use: not required, and bound to nothing of the command's. */
    private static OptionSpec scratchCopy(OptionSpec option) {
        Scratch scratch = new Scratch();
        return OptionSpec.builder(option).required(false).getter(scratch).setter(scratch).build();
    }

    /**
     * Replaces picocli's "Missing required options" with a message that says the flags may also come from the
     * environment or the config file.
     */
    private static void explainMissingRequiredOptions(CommandLine commandLine) {
        IParameterExceptionHandler handler = commandLine.getParameterExceptionHandler();
        commandLine.setParameterExceptionHandler((e, args) -> handler.handleParseException(explained(e), args));
    }

    private static ParameterException explained(ParameterException e) {
        // The same exception type reports a flag given without its value; only the required check words it so.
        if (!(e instanceof MissingParameterException missing)
                || !e.getMessage().startsWith("Missing required option")) {
            return e;
        }
        List<String> flags = new ArrayList<>();
        for (ArgSpec arg : missing.getMissing()) {
            String flag = arg instanceof OptionSpec option ? longName(option) : null;
            if (flag == null) {
                return e;
            }
            flags.add(flag);
        }
        List<String> variables = flags.stream().map(OptionSources::variableOf).toList();
        boolean one = flags.size() == 1;
        String message = "Missing required option" + (one ? ": " : "s: ") + String.join(", ", flags)
                + " (give " + (one ? "it" : "each") + " on the command line, in the environment as "
                + String.join(", ", variables) + ", or in the " + CONFIG_FLAG + " file)";
        return new MissingParameterException(e.getCommandLine(), missing.getMissing(), message);
    }

    /** Holds a value a checking parse sets; nobody reads it. */
    private static final class Scratch implements IGetter, ISetter {
        private Object value;

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T previous = (T) this.value;
            this.value = value;
            return previous;
        }
    }
}
