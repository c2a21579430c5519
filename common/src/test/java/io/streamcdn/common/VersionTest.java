package io.streamcdn.common;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class VersionTest {

    @Test
    void theVersionIsTheProjects() {
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    /** The build wrote the commit of the checkout it built; built from a source archive it has none. */
    @Test
    void theCommitIsTheCheckoutsHeadWhenBuiltFromGit() throws Exception {
        String head = gitHead();

        if (head.isEmpty()) {
            assertThat(Version.commit()).isEmpty();
            assertThat(Version.describe()).isEqualTo("streamcdn " + Version.current());
        } else {
            assertThat(Version.commit()).contains(head);
            assertThat(Version.describe()).isEqualTo("streamcdn " + Version.current() + " (commit " + head + ")");
        }
    }

    private static String gitHead() throws Exception {
        Path project = Path.of("").toAbsolutePath().getParent(); // surefire runs in the module's folder
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").directory(project.toFile())
                    .redirectErrorStream(false).start();
        } catch (java.io.IOException noGit) {
            return "";
        }
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return git.exitValue() == 0 ? out : "";
    }
}
