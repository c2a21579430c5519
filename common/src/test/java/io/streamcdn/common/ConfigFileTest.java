package io.streamcdn.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigFileTest {

    private static final Set<String> KEYS = Set.of("cache-max", "cache-dir", "origin", "port", "tls-self-signed");

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("edge.conf"), text, StandardCharsets.UTF_8);
    }

    @Test
    void valuesAreTakenAsWrittenWithCommentsAndBlankLinesIgnored() throws Exception {
        ConfigFile config = ConfigFile.read(file("""
                # the edge
                   cache-max =   20g\s\s
                origin=http://127.0.0.1:8080/a=b

                cache-dir = C:\\cache\\edge # not a comment
                tls-self-signed =
                """), "--config", KEYS);

        assertThat(config.value("cache-max")).contains("20g");
        assertThat(config.value("origin")).contains("http://127.0.0.1:8080/a=b");
        assertThat(config.value("cache-dir")).contains("C:\\cache\\edge # not a comment");
        assertThat(config.value("tls-self-signed")).contains("");
        assertThat(config.value("port")).isEmpty();
    }

    @Test
    void anUnknownKeyIsRefusedNamingItsLineAndTheNearestRealKey() throws Exception {
        Path path = file("port = 8081\ncachemax = 20g\n");

        assertThatThrownBy(() -> ConfigFile.read(path, "--config", KEYS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(path + " line 2: unknown key 'cachemax'; did you mean cache-max (--cache-max)?");
    }

    @Test
    void aLineWithoutEqualsIsRefusedWithItsNumber() throws Exception {
        Path path = file("# x\n\ncache-max 20g\n");

        assertThatThrownBy(() -> ConfigFile.read(path, "--config", KEYS))
                .isInstanceOf(ConfigException.class)
                .hasMessage(path + " line 3: 'cache-max 20g' is not a setting; write key = value, like cache-max = 20g");
    }

    @Test
    void aKeySetTwiceIsRefused() throws Exception {
        Path path = file("port = 1\nport = 2\n");

        assertThatThrownBy(() -> ConfigFile.read(path, "--config", KEYS))
                .hasMessage(path + " line 2: port is already set on line 1; keep one of them");
    }

    @Test
    void aMissingFileOrAFolderIsOneLineNamingHowItWasGiven() {
        assertThatThrownBy(() -> ConfigFile.read(dir.resolve("none.conf"), "STREAMCDN_EDGE_CONFIG", KEYS))
                .hasMessage("config file " + dir.resolve("none.conf") + " (STREAMCDN_EDGE_CONFIG) does not exist");
        assertThatThrownBy(() -> ConfigFile.read(dir, "--config", KEYS))
                .hasMessage("config file " + dir + " (--config) cannot be read: it is a folder");
    }

    @Test
    void aFileThatIsNotTextIsRefused() throws Exception {
        Path binary = Files.write(dir.resolve("edge.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});

        assertThatThrownBy(() -> ConfigFile.read(binary, "--config", KEYS))
                .hasMessage("config file " + binary + " (--config) is not UTF-8 text");
    }

    @Test
    void editDistanceCountsSingleCharacterEdits() {
        assertThat(ConfigFile.editDistance("cache-max", "cache-max")).isZero();
        assertThat(ConfigFile.editDistance("cache-mx", "cache-max")).isEqualTo(1);
        assertThat(ConfigFile.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(ConfigFile.nearest("prot", Set.of("port", "origin", "parent"))).isEqualTo("port");
    }
}
