package io.streamcdn.origin;

import io.streamcdn.common.testing.RoleConfigFileContract;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamcdn origin --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line (the shared part in
 * {@link RoleConfigFileContract}).
 */
class OriginConfigFileTest extends RoleConfigFileContract<OriginCommand> {

    @Override
    protected String role() {
        return "origin";
    }

    @Override
    protected OriginCommand newCommand() {
        return new OriginCommand();
    }

    @Override
    protected int port(OriginCommand parsed) {
        return parsed.config().port();
    }

    @Override
    protected int defaultPort() {
        return OriginConfig.DEFAULT_PORT;
    }

    @Override
    protected String misspelledKey() {
        return "data-dri";
    }

    @Override
    protected String suggestedKey() {
        return "data-dir";
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("origin.conf"), """
                encode-workers = 2
                max-upload = 1g
                x264-preset = faster
                port = 9000
                """);

        OriginConfig config = parse(Map.of("STREAMCDN_ORIGIN_MAX_UPLOAD", "2g", "STREAMCDN_ORIGIN_PORT", "9100"), "--config", file.toString(), "--port", "9200").config();

        assertThat(config.port()).as("flag").isEqualTo(9200);
        assertThat(config.maxUploadBytes()).as("environment").isEqualTo(2L << 30);
        assertThat(config.encodeWorkers()).as("file").isEqualTo(2);
        assertThat(config.encoderSettings().x264Preset()).as("file").isEqualTo("faster");
        assertThat(config.host()).as("default").isEqualTo(OriginConfig.DEFAULT_HOST);
    }
}
