package io.streamcdn.origin.jobs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The origin's data directory: where a video lives at each step from upload to publication.
 * <pre>
 *   &lt;data&gt;/uploads/{id}.part     a body being received; deleted if the upload is refused or aborted
 *   &lt;data&gt;/sources/{id}          the accepted original, kept so an encode can be re-run
 *   &lt;data&gt;/catalog/{id}.json     the video's record (see {@link Catalog}); one file per video
 *   &lt;data&gt;/catalog/corrupt/      records that could not be read at startup, moved aside for a person to look at
 *   &lt;data&gt;/staging/{id}/         an encode in progress; never served
 *   &lt;data&gt;/videos/{id}/          the published ladder, served by the file handler
 *   &lt;data&gt;/trash/                folders being deleted
 * </pre>
 * Two rules keep the file server from ever seeing half a ladder. A ladder appears in {@code videos/} only
 * by one atomic rename of its complete staging folder, and leaves it by one atomic rename into
 * {@code trash/} before its files are deleted. Both renames stay inside this directory, so inside one
 * file system, where {@code rename(2)} is atomic.
 *
 * <p>Every method here touches the disk: call them from worker threads, never from an event loop.
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final String PART_SUFFIX = ".part";
    private static final String RECORD_SUFFIX = ".json";

    private final Path root;
    private final AtomicLong trashCounter = new AtomicLong();

    private DataDirectory(Path root) {
        this.root = root;
    }

    /** Creates the folders that are missing and returns the layout over {@code root}. Blocking. */
    public static DataDirectory open(Path root) throws IOException {
        DataDirectory data = new DataDirectory(root.toAbsolutePath().normalize());
        for (Path dir : List.of(data.uploads(), data.sources(), data.catalog(), data.staging(), data.videos(), data.trash())) {
            Files.createDirectories(dir);
        }
        return data;
    }

    public Path root() {
        return root;
    }

    public Path uploads() {
        return root.resolve("uploads");
    }

    public Path sources() {
        return root.resolve("sources");
    }

    public Path catalog() {
        return root.resolve("catalog");
    }

    public Path staging() {
        return root.resolve("staging");
    }

    /** The folder the file server serves {@code /videos/...} from. */
    public Path videos() {
        return root.resolve("videos");
    }

    public Path trash() {
        return root.resolve("trash");
    }

    public Path upload(String id) {
        return uploads().resolve(id + PART_SUFFIX);
    }

    public Path source(String id) {
        return sources().resolve(id);
    }

    public Path record(String id) {
        return catalog().resolve(id + RECORD_SUFFIX);
    }

    public Path staging(String id) {
        return staging().resolve(id);
    }

    public Path published(String id) {
        return videos().resolve(id);
    }

    /** Moves a received upload to {@code sources/{id}}, where the encoder reads it. */
    public void adoptSource(Path upload, String id) throws IOException {
        Files.move(upload, source(id), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Publishes a finished encode: {@code staging/{id}} becomes {@code videos/{id}} in one rename. A folder
     * already published under that id (left by a crash between publication and the record's update) is
     * withdrawn first.
     */
    public void publish(String id) throws IOException {
        withdraw(published(id));
        try {
            Files.move(staging(id), published(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot publish " + id + ": the file system cannot rename folders atomically", e);
        }
    }

    /**
     * Removes a file or folder so that no reader sees it half-deleted: it is first renamed into
     * {@code trash/}, then deleted there. Missing paths are fine.
     */
    public void withdraw(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Path doomed = trash().resolve(path.getFileName() + "-" + System.nanoTime() + "-" + trashCounter.incrementAndGet());
        try {
            Files.move(path, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return;
        }
        deleteTree(doomed);
    }

    /** Deletes every entry of {@code dir} (not {@code dir} itself); returns the names deleted. */
    public List<String> empty(Path dir) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (Path entry : list(dir)) {
            deleteTree(entry);
            deleted.add(entry.getFileName().toString());
        }
        return deleted;
    }

    /** The entries of a folder, in no particular order; empty when the folder is missing. */
    public static List<Path> list(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return entries;
    }

    /** Deletes a file or a folder with everything below it; missing paths are fine. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** {@link #deleteTree} for paths whose removal is best effort (cleanup after a failure). */
    static void deleteQuietly(Path path) {
        try {
            deleteTree(path);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", path, e.toString());
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
