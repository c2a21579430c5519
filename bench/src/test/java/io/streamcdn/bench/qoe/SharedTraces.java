package io.streamcdn.bench.qoe;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared folder's bandwidth traces and media: the {@code streamcdn.shared} property, else {@code ../shared}. */
final class SharedTraces {

    private SharedTraces() {
    }

    static Path shared() {
        String property = System.getProperty("streamcdn.shared");
        Path shared = property != null ? Path.of(property) : Path.of("..", "shared");
        if (!Files.isDirectory(shared.resolve("traces"))) {
            shared = Path.of("..", "..", "shared");
        }
        if (!Files.isDirectory(shared.resolve("traces"))) {
            throw new IllegalStateException("no shared folder with traces/ at " + shared.toAbsolutePath()
                    + "; set -Dstreamcdn.shared=/path/to/shared");
        }
        return shared;
    }

    static Path dir() {
        return shared().resolve("traces");
    }
}
