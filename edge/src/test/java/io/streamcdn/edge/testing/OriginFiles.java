package io.streamcdn.edge.testing;

import io.streamcdn.origin.jobs.VideoRecord;
import io.streamcdn.origin.testing.TestOrigin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;

/**
 * Files published on a real origin by writing them into its videos folder (the origin serves any file a
 * video folder holds), and a count of the requests the origin answered, read from its own metrics.
 */
public final class OriginFiles {

    private final TestOrigin origin;
    private final Path videos;
    private final Random random = new Random(7);

    public OriginFiles(TestOrigin origin, Path dataDir) {
        this.origin = origin;
        this.videos = dataDir.resolve("videos");
    }

    /** Writes {@code size} random bytes at {@code /videos/{id}/{relative}} and returns them. */
    public byte[] publish(String id, String relative, int size) throws IOException {
        byte[] content = new byte[size];
        random.nextBytes(content);
        return publish(id, relative, content);
    }

    public byte[] publish(String id, String relative, byte[] content) throws IOException {
        Path file = videos.resolve(id).resolve(relative);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, content);
        // A distinct mtime per version, so the origin's ETag changes with the content.
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(3600).plusMillis(random.nextInt(1000))));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return content;
    }

    /**
     * Records {@code id} in the origin's catalog as a ready video, as an encode would have: a restarted origin
     * keeps its published folder (without a record it would delete it as an orphan).
     */
    public void catalogue(String id) throws IOException {
        VideoRecord.Source source = new VideoRecord.Source("mov,mp4,m4a,3gp,3g2,mj2", "h264", 1280, 720, 30, 6, true);
        String json = VideoRecord.queued(id, "published by the test", source, Instant.now()).toJson()
                .put("state", "ready").put("progress", 1).encodePrettily();
        Path record = videos.resolveSibling("catalog").resolve(id + ".json");
        Files.createDirectories(record.getParent());
        Files.writeString(record, json);
    }

    /** Requests for video files the origin has answered (any status), from {@code streamcdn_files_served_total}. */
    public long servedCount() throws Exception {
        double total = 0;
        for (String line : origin.scrapeMetrics().split("\n")) {
            if (line.startsWith("streamcdn_files_served_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(total);
    }

    public static String url(String id, String relative) {
        return "/videos/" + id + "/" + relative;
    }
}
