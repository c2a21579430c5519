package io.streamcdn.common;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.streamcdn.common.http.AccessLog;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The levels the shipped logback.xml gives, read by logback itself from the file every role runs with. */
class LogLevelsTest {

    @Test
    void withNothingSetTheRoleLogsAtInfoRequestLinesIncluded() throws JoranException {
        assertThat(levels(Map.of())).isEqualTo(new Levels(Level.INFO, Level.INFO));
    }

    @Test
    void theRoleLevelSilencesTheRequestLinesToo() throws JoranException {
        // An operator (or a benchmark) asking for WARN gets no line per request, as with nginx's access_log off.
        assertThat(levels(Map.of("STREAMCDN_LOG_LEVEL", "WARN"))).isEqualTo(new Levels(Level.WARN, Level.WARN));
    }

    @Test
    void theRequestLinesHaveTheirOwnLevelWhenItIsSet() throws JoranException {
        assertThat(levels(Map.of("STREAMCDN_LOG_LEVEL", "WARN", "STREAMCDN_ACCESS_LOG_LEVEL", "INFO")))
                .isEqualTo(new Levels(Level.WARN, Level.INFO));
        // The demo's console: the role's own lines, no request lines.
        assertThat(levels(Map.of("STREAMCDN_ACCESS_LOG_LEVEL", "WARN"))).isEqualTo(new Levels(Level.INFO, Level.WARN));
    }

    private record Levels(Level role, Level requestLines) {
    }

    /** The levels a fresh logback context configured from the shipped file gives, {@code variables} as its properties. */
    private static Levels levels(Map<String, String> variables) throws JoranException {
        LoggerContext context = new LoggerContext();
        try {
            variables.forEach(context::putProperty);
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogLevelsTest.class.getResource("/logback.xml"));
            return new Levels(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel(),
                    context.getLogger(AccessLog.class).getEffectiveLevel());
        } finally {
            context.stop();
        }
    }
}
