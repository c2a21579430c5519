package io.streamcdn.edge;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An edge is deployed on machines that never encode: its jar and runtime dependencies must hold no FFmpeg,
 * JavaCV or JavaCPP (hundreds of MB of natives). The list is Maven's own resolution of the runtime
 * classpath, written by the dependency plugin before the tests run (see edge/pom.xml).
 */
class RuntimeDependenciesTest {

    @Test
    void theRuntimeClasspathHasNoMediaNatives() throws IOException {
        List<String> dependencies = Files.readAllLines(Path.of("target/runtime-dependencies.txt")).stream()
                .map(String::strip).filter(line -> line.matches("[\\w.-]+:[\\w.-]+:.*")).toList();

        assertThat(dependencies).anyMatch(line -> line.startsWith("io.vertx:vertx-core:"));
        assertThat(dependencies).anyMatch(line -> line.startsWith("com.github.ben-manes.caffeine:caffeine:"));
        assertThat(dependencies).noneMatch(line -> line.startsWith("org.bytedeco:"));
        assertThat(dependencies).noneMatch(line -> line.contains(":streamcdn-media:") || line.contains(":streamcdn-origin:"));
    }

    @Test
    void theEdgesOwnClassesHoldNoNativeLibraries() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("target/classes"))) {
            assertThat(files.map(Path::toString))
                    .noneMatch(name -> name.endsWith(".so") || name.contains("bytedeco") || name.contains("ffmpeg"));
        }
    }
}
