package io.streamcdn.origin.serve;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Finds the file a {@link VideoPath} names under {@code <data>/videos/}. Every method touches the disk:
 * call from a worker thread.
 *
 * <p>{@link VideoPath} already guarantees a path that stays inside the video's folder by its spelling.
 * This class checks what the disk says too: the file's real path (symlinks resolved) must lie inside the
 * video folder's real path, so a symlink planted in a video cannot expose anything outside it. Finding
 * the real path needs a blocking call anyway, so the file's attributes are read in the same worker task
 * rather than by a second hop through {@code vertx.fileSystem().props}.
 */
public final class VideoFiles {

    private final Path videos;

    /** @param videos the folder holding one folder per published video */
    public VideoFiles(Path videos) {
        this.videos = videos.toAbsolutePath().normalize();
    }

    public Path root() {
        return videos;
    }

    /** The outcome of a lookup. */
    public sealed interface Lookup permits Found, Missing, Escaped {
    }

    /** A regular file inside the video's folder; {@code file} is its real path, the one to send. */
    public record Found(Path file, FileVersion version) implements Lookup {
    }

    /** Nothing to serve; {@code reason} says what is missing. */
    public record Missing(String reason) implements Lookup {
    }

    /** The name resolves (through a symlink) to somewhere outside the video's folder. */
    public record Escaped(Path realPath) implements Lookup {
    }

    public Lookup lookup(VideoPath path) throws IOException {
        Path folder = videos.resolve(path.videoId());
        Path file = folder.resolve(path.relative()).normalize();
        if (!file.startsWith(folder) || file.equals(folder)) {
            return new Escaped(file); // cannot happen for a valid VideoPath; kept as a guard
        }
        Path realFolder;
        try {
            realFolder = folder.toRealPath();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return new Missing("no published video has the id " + path.videoId());
        }
        if (!Files.isDirectory(realFolder)) {
            return new Missing("no published video has the id " + path.videoId());
        }
        Path realFile;
        try {
            realFile = file.toRealPath();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return missingFile(path);
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("Not a directory")) {
                return missingFile(path);
            }
            throw e;
        }
        if (!realFile.startsWith(realFolder)) {
            return new Escaped(realFile);
        }
        BasicFileAttributes attributes = Files.readAttributes(realFile, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            return missingFile(path);
        }
        return new Found(realFile, new FileVersion(attributes.size(), attributes.lastModifiedTime().toMillis()));
    }

    private static Missing missingFile(VideoPath path) {
        return new Missing("video " + path.videoId() + " has no file " + path.relative());
    }
}
