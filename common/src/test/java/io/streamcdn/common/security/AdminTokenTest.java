package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the admin token comes from, what is refused as one, and that it never shows in a message. */
class AdminTokenTest {

    private static final String TOKEN = "9f2c41d0b7e84a6f93c5d2e1a0b4c7d8";

    @TempDir
    Path dir;

    @Test
    void comesFromTheEnvironmentVariable() {
        AdminToken token = AdminToken.resolve("", Map.of("STREAMCDN_ADMIN_TOKEN", TOKEN)).orElseThrow();

        assertThat(token.matches(TOKEN)).isTrue();
        assertThat(token.source()).isEqualTo("STREAMCDN_ADMIN_TOKEN");
        assertThat(token.authorization()).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void aTokenFileWinsOverTheEnvironmentAndLosesItsFinalNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "file-token-0123456789abcdef\n");

        AdminToken token = AdminToken.resolve(file.toString(), Map.of("STREAMCDN_ADMIN_TOKEN", TOKEN)).orElseThrow();

        assertThat(token.matches("file-token-0123456789abcdef")).isTrue();
        assertThat(token.matches(TOKEN)).isFalse();
        assertThat(token.source()).contains("--admin-token-file", file.toString());
    }

    @Test
    void noFileAndNoVariableMeansNoToken() {
        assertThat(AdminToken.resolve("", Map.of())).isEmpty();
        assertThat(AdminToken.resolve(null, Map.of("STREAMCDN_ADMIN_TOKEN", ""))).isEmpty();
    }

    @Test
    void onlyTheExactTokenMatches() {
        AdminToken token = AdminToken.of(TOKEN, "test");

        assertThat(token.matches(TOKEN)).isTrue();
        assertThat(token.matches(TOKEN.substring(0, TOKEN.length() - 1))).isFalse();
        assertThat(token.matches(TOKEN + "0")).isFalse();
        assertThat(token.matches(TOKEN.toUpperCase())).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.matches(null)).isFalse();
    }

    @Test
    void shortOrUnprintableTokensAreRefusedWithoutBeingEchoed() {
        assertThatThrownBy(() -> AdminToken.resolve("", Map.of("STREAMCDN_ADMIN_TOKEN", "short-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STREAMCDN_ADMIN_TOKEN").hasMessageContaining("12 characters")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> AdminToken.of("has a space in the middle of it", "STREAMCDN_ADMIN_TOKEN"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spaces")
                .hasMessageNotContaining("middle");
        assertThatThrownBy(() -> AdminToken.of("  \n", "STREAMCDN_ADMIN_TOKEN"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("empty");
    }

    @Test
    void anUnreadableTokenFileNamesTheFlag() {
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> AdminToken.resolve(missing.toString(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--admin-token-file " + missing + " is not a readable file");
    }

    @Test
    void itsTextFormNamesTheSourceNotTheToken() {
        AdminToken token = AdminToken.of(TOKEN, "STREAMCDN_ADMIN_TOKEN");

        assertThat(token.toString()).contains("STREAMCDN_ADMIN_TOKEN").doesNotContain(TOKEN);
    }
}
