package io.keyless.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a flag's duration the way operators write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, or a
 * bare number of seconds.
 */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
        Matcher matcher = FORMAT.matcher(value.trim());
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s, 5m or 1h");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** How a duration reads back in messages: the largest whole unit. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0 && millis > 0) {
            return millis / 3_600_000 + "h";
        } else if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        } else if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
