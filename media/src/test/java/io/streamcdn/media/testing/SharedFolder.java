package io.streamcdn.media.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared test data ({@code ../shared} next to the checkout): surefire passes it as the
 * {@code streamcdn.shared} system property; an IDE run from a module or the root finds it by walking up.
 */
public final class SharedFolder {

    private SharedFolder() {
    }

    public static Path path() {
        String property = System.getProperty("streamcdn.shared");
        if (property != null && !property.isBlank() && Files.isDirectory(Path.of(property))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(candidate)) {
                return candidate.normalize();
            }
        }
        throw new IllegalStateException("cannot find the shared folder (../shared next to the project root);"
                + " set -Dstreamcdn.shared=/path/to/shared");
    }
}
