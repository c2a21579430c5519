package io.streamcdn.router;

import io.streamcdn.common.testing.RoleConfigFileContract;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamcdn router --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line (the shared part in
 * {@link RoleConfigFileContract}).
 */
class RouterConfigFileTest extends RoleConfigFileContract<RouterCommand> {

    @Override
    protected String role() {
        return "router";
    }

    @Override
    protected RouterCommand newCommand() {
        return new RouterCommand();
    }

    @Override
    protected int port(RouterCommand parsed) {
        return parsed.config().port();
    }

    @Override
    protected int defaultPort() {
        return RouterConfig.DEFAULT_PORT;
    }

    @Override
    protected String misspelledKey() {
        return "geo-ip";
    }

    @Override
    protected String suggestedKey() {
        return "geoip";
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("router.conf"), """
                tolerance-km = 250
                max-load = 0.5
                health-interval = 7s
                """);

        RouterConfig config = parse(Map.of("STREAMCDN_ROUTER_MAX_LOAD", "0.6", "STREAMCDN_ROUTER_HEALTH_INTERVAL", "8s"), "--config", file.toString(), "--health-interval", "9s").config();

        assertThat(config.healthInterval()).as("flag").isEqualTo(java.time.Duration.ofSeconds(9));
        assertThat(config.maxLoad()).as("environment").isEqualTo(0.6);
        assertThat(config.toleranceKm()).as("file").isEqualTo(250);
        assertThat(config.port()).as("default").isEqualTo(RouterConfig.DEFAULT_PORT);
    }
}
