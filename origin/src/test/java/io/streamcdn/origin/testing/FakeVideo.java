package io.streamcdn.origin.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A published video folder written by hand, shaped like the encoder's output (see PackageLayout), with
 * random bytes for the media: enough for the file server, which never looks inside. Every file's mtime is
 * {@link #MODIFIED}, so date validators are predictable.
 */
public final class FakeVideo {

    public static final String ID = "abc123def456";
    public static final Instant MODIFIED = Instant.parse("2024-03-01T12:00:00Z");
    /** Written outside every video folder; no response may ever contain it. */
    public static final String SECRET = "TOP-SECRET-MARKER-do-not-serve";

    private final Path dataDir;
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private FakeVideo(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** Writes the video under {@code <dataDir>/videos/abc123def456/}, plus secrets outside it. */
    public static FakeVideo publish(Path dataDir) throws IOException {
        FakeVideo video = new FakeVideo(dataDir);
        Random random = new Random(42);
        video.put("manifest.mpd", "<?xml version=\"1.0\"?><MPD type=\"static\"></MPD>\n".getBytes(StandardCharsets.UTF_8));
        video.put("master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=3000000\n720p/playlist.m3u8\n".getBytes(StandardCharsets.UTF_8));
        video.put("poster.jpg", bytes(random, 5_000));
        video.put("info.json", "{\"id\":\"abc123def456\"}".getBytes(StandardCharsets.UTF_8));
        video.put("notes.bin", bytes(random, 10));
        video.put("empty.m4s", new byte[0]);
        video.put("720p/init.mp4", bytes(random, 1_200));
        video.put("720p/seg-00001.m4s", bytes(random, 200_000));
        video.put("720p/playlist.m3u8", "#EXTM3U\n#EXTINF:2.0,\nseg-00001.m4s\n".getBytes(StandardCharsets.UTF_8));
        video.put("audio/init.mp4", bytes(random, 700));
        video.put("audio/seg-00001.m4s", bytes(random, 30_000));

        // Secrets: in the data directory but outside the video, and outside the data directory.
        Path catalog = Files.createDirectories(dataDir.resolve("catalog"));
        Files.writeString(catalog.resolve(ID + ".json"), SECRET);
        Path outside = Files.createDirectories(dataDir.getParent().resolve("outside-" + dataDir.getFileName()));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Path folder = video.folder();
        // Symlinks that lead out of the video's folder: a file and a directory.
        Files.createSymbolicLink(folder.resolve("leak.m4s"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(folder.resolve("720x"), outside);
        Files.createSymbolicLink(folder.resolve("catalog.json"), catalog.resolve(ID + ".json"));
        return video;
    }

    private void put(String relative, byte[] content) throws IOException {
        Path file = folder().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
        files.put(relative, content);
    }

    public Path folder() {
        return dataDir.resolve("videos").resolve(ID);
    }

    public byte[] bytes(String relative) {
        byte[] content = files.get(relative);
        if (content == null) {
            throw new IllegalArgumentException("no fake file " + relative);
        }
        return content;
    }

    public static String url(String relative) {
        return "/videos/" + ID + "/" + relative;
    }

    private static byte[] bytes(Random random, int size) {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return content;
    }
}
