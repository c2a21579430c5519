package io.streamcdn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A set of files laid out as the origin publishes them ({@code <data>/videos/<id>/<folder>/<name>}), so
 * the origin and an nginx whose root is {@code <data>} serve them under the same URL paths. Their bytes are
 * random (incompressible) and seeded, so a run can be repeated.
 */
record PublishedFiles(Path dataDir, List<String> paths, int size) {

    /** Writes {@code count} files of {@code size} bytes as {@code /videos/<id>/<folder>/seg-00001.m4s} .... */
    static PublishedFiles write(Path dataDir, String videoId, String folder, int count, int size, long seed)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> paths = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String path = String.format(Locale.ROOT, "/videos/%s/%s/seg-%05d.m4s", videoId, folder, i);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Path file = file(dataDir, path);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            paths.add(path);
        }
        return new PublishedFiles(dataDir, List.copyOf(paths), size);
    }

    byte[] bytes(String path) throws IOException {
        return Files.readAllBytes(file(dataDir, path));
    }

    private static Path file(Path dataDir, String urlPath) {
        return dataDir.resolve(urlPath.substring(1));
    }
}
