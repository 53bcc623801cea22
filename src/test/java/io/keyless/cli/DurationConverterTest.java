package io.keyless.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsEachUnitAndBareSeconds() {
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"", "-1s", "1.5s", "5 minutes", "1d", "s"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration");
        }
    }

    @Test
    void formatsInTheLargestWholeUnit() {
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationConverter.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationConverter.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationConverter.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0s");
    }
}
