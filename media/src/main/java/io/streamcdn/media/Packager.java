package io.streamcdn.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.UUID;

/**
 * Publishes the manifests of a packaged ladder into its video folder, next to the segments.
 *
 * <p>The origin serves this folder while we write it, and edges cache whatever they fetch. Each manifest is
 * therefore written to a temporary file in the same folder, forced to disk, and renamed over its final name:
 * a reader sees the old file or the new one, never a torn one. Media playlists go first and the two entry
 * points (MPD, multivariant playlist) last, so nothing an entry point names is missing when it appears.
 */
public final class Packager {

    private Packager() {
    }

    /** Writes {@code manifest.mpd}, {@code master.m3u8} and each track's {@code <id>/playlist.m3u8}. */
    public static void writeManifests(Ladder ladder, Path videoDir) throws IOException {
        Objects.requireNonNull(videoDir, "videoDir");
        // Render everything before touching the disk, so a ladder the writers refuse leaves no partial set.
        String mpd = MpdWriter.write(ladder);
        String master = HlsWriter.master(ladder);
        for (Ladder.Track track : ladder.video()) {
            publish(videoDir.resolve(track.id()).resolve(PackageLayout.MEDIA_PLAYLIST), HlsWriter.media(track));
        }
        if (ladder.audio() != null) {
            publish(videoDir.resolve(ladder.audio().id()).resolve(PackageLayout.MEDIA_PLAYLIST),
                    HlsWriter.media(ladder.audio()));
        }
        publish(videoDir.resolve(PackageLayout.HLS_MASTER), master);
        publish(videoDir.resolve(PackageLayout.MPD), mpd);
    }

    private static void publish(Path target, String content) throws IOException {
        Path folder = target.getParent();
        Files.createDirectories(folder);
        // Not Files.createTempFile: its files are private (0600), and the renamed manifest must be readable
        // like the segments next to it (umask) by whatever serves the folder.
        Path temp = folder.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                // Without this a crash after the rename can leave an empty manifest on some file systems.
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
