package io.streamcdn.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFormatTest {

    @Test
    void theFlagValuesAreTextAndJsonInAnyCase() {
        assertThat(LogFormat.parse("text")).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.parse(" JSON ")).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.JSON.flagValue()).isEqualTo("json");
    }

    @Test
    void anyOtherValueIsRefusedNamingTheFlagAndTheChoices() {
        assertThatThrownBy(() -> LogFormat.parse("logfmt")).isInstanceOf(ConfigException.class)
                .hasMessage("--log-format 'logfmt' is not a log format; use text or json");
        assertThatThrownBy(() -> LogFormat.parse("")).isInstanceOf(ConfigException.class);
    }
}
