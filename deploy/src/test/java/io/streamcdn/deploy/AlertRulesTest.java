package io.streamcdn.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit as {@code promtool} sees it: the Prometheus configuration and the rules are valid, and the rules'
 * unit tests ({@code alerts.test.yml}) pass, which prove every alert fires on the series it is meant for, with its
 * labels and rendered annotations, and stays quiet on the look-alikes (healthy, recovered or too quiet instances).
 */
class AlertRulesTest {

    private final Tool promtool = Tool.require("promtool");
    private final Path dir = Kit.prometheusDir();

    @Test
    void prometheusConfigurationIsValidAndLoadsTheRules() throws Exception {
        Tool.Run run = promtool.run(dir, 60, "check", "config", "prometheus.yml");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: 1 rule files found").contains("prometheus.yml is valid");
    }

    @Test
    void alertingRulesAreValid() throws Exception {
        Tool.Run run = promtool.run(dir, 60, "check", "rules", "alerts.yml");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("SUCCESS: \\d+ rules found");
    }

    @Test
    void everyAlertFiresAndStaysQuietAsItsUnitTestsSay() throws Exception {
        Tool.Run run = promtool.run(dir, 120, "test", "rules", "alerts.test.yml");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }
}
