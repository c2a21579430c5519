package io.streamcdn.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a ladder's manifests next to its segments, each file appearing whole (temp file + atomic rename). */
public final class Packager {

    private Packager() {
    }

    public static void writeManifests(Ladder ladder, Path videoDir) throws IOException {
        for (Ladder.Track track : ladder.video()) {
            write(videoDir.resolve(track.id()).resolve(PackageLayout.MEDIA_PLAYLIST), HlsWriter.media(track));
        }
        if (ladder.audio() != null) {
            write(videoDir.resolve(ladder.audio().id()).resolve(PackageLayout.MEDIA_PLAYLIST),
                    HlsWriter.media(ladder.audio()));
        }
        write(videoDir.resolve(PackageLayout.HLS_MASTER), HlsWriter.master(ladder));
        write(videoDir.resolve(PackageLayout.MPD), MpdWriter.write(ladder));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
