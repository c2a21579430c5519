package io.streamcdn.edge;

import io.streamcdn.common.testing.RoleConfigFileContract;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamcdn edge --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line (the shared part in
 * {@link RoleConfigFileContract}).
 */
class EdgeConfigFileTest extends RoleConfigFileContract<EdgeCommand> {

    @Override
    protected String role() {
        return "edge";
    }

    @Override
    protected EdgeCommand newCommand() {
        return new EdgeCommand();
    }

    @Override
    protected int port(EdgeCommand parsed) {
        return parsed.config().port();
    }

    @Override
    protected int defaultPort() {
        return EdgeConfig.DEFAULT_PORT;
    }

    @Override
    protected String misspelledKey() {
        return "cache-size";
    }

    @Override
    protected String suggestedKey() {
        return "cache-dir";
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("edge.conf"), """
                cache-max = 20g
                prefetch = 4
                name = from-file
                tls-self-signed = false
                """);

        EdgeConfig config = parse(Map.of("STREAMCDN_EDGE_PREFETCH", "5", "STREAMCDN_EDGE_NAME", "from-env"), "--config", file.toString(), "--name", "from-flag").config();

        assertThat(config.name()).as("flag").isEqualTo("from-flag");
        assertThat(config.prefetch()).as("environment").isEqualTo(5);
        assertThat(config.cacheMaxBytes()).as("file").isEqualTo(20L << 30);
        assertThat(config.port()).as("default").isEqualTo(EdgeConfig.DEFAULT_PORT);
    }
}
