package io.streamcdn.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationTextTest {

    @Test
    void readsTheUnitsOperatorsWrite() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(DurationText.parse(" 5m ")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("1H")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("2d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void refusesAnythingElseWithAnExample() {
        for (String bad : new String[]{"", "-1s", "1.5s", "1 hour", "s", null}) {
            assertThatThrownBy(() -> DurationText.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("like 500ms");
        }
    }

    @Test
    void printsTheShortestExactSpelling() {
        assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    }
}
