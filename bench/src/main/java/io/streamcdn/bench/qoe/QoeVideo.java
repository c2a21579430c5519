package io.streamcdn.bench.qoe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's video, made once and kept: the shared 10 s clip looped to the wanted length (FFmpeg's own
 * command line from the bundled jar, stream copy), uploaded to a real origin that encodes it with the
 * benchmark's ladder. The origin keeps its catalog in its data folder, so a later run that starts an
 * origin on the same folder finds the video ready by its title (which names the clip, length, ladder
 * and segment duration) and skips the encode.
 */
final class QoeVideo {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String originUrl;

    /** A published video: its id and length. */
    record Published(String id, String title, double durationSeconds, int renditions) {
    }

    QoeVideo(String originUrl) {
        this.originUrl = originUrl;
    }

    static String title(Path clip, double seconds, PensieveLadder ladder) {
        return String.format(Locale.ROOT, "qoe %s x%ss ladder %s seg %.0fs", clip.getFileName(), decimal(seconds),
                String.join("/", ladder.kbps().stream().map(String::valueOf).toList()), ladder.segmentSeconds());
    }

    /** {@code clip} looped to {@code seconds} in {@code dir}, made once. */
    static Path loopedSource(Path clip, double seconds, Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(clip)) {
            throw new IllegalArgumentException("no clip at " + clip + "; give one with --clip");
        }
        Path looped = dir.resolve(clip.getFileName().toString().replaceFirst("\\.[^.]+$", "") + "-" + decimal(seconds) + "s.mp4");
        if (Files.isRegularFile(looped) && Files.size(looped) > 0) {
            return looped;
        }
        Files.createDirectories(dir);
        Path partial = dir.resolve(looped.getFileName() + ".part.mp4");
        Path ffmpeg = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
        int loops = (int) Math.ceil(seconds / 10.0); // the shared clips are 10 s; -t cuts the excess
        List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
                "-stream_loop", Integer.toString(loops), "-i", clip.toAbsolutePath().toString(),
                "-t", decimal(seconds), "-c", "copy", partial.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("LD_LIBRARY_PATH", ffmpeg.getParent().toString());
        int exit = builder.start().waitFor();
        if (exit != 0) {
            Files.deleteIfExists(partial);
            throw new IOException("ffmpeg could not loop " + clip + " (exit " + exit + "): " + command);
        }
        Files.move(partial, looped, StandardCopyOption.ATOMIC_MOVE);
        return looped;
    }

    /** 180 as "180", 179.5 as "179.5". */
    static String decimal(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** The ready video titled {@code title}, uploading {@code source} and waiting for its encode if there is none. */
    Published ensure(Path source, String title, Duration encodeLimit) throws IOException, InterruptedException {
        for (Object entry : getJson("/api/videos").getJsonArray("videos", new JsonArray())) {
            JsonObject video = (JsonObject) entry;
            if (title.equals(video.getString("title")) && "ready".equals(video.getString("state"))) {
                System.out.println("video: " + video.getString("id") + " (encoded by an earlier run, kept in the origin's data folder)");
                return published(video);
            }
        }
        System.out.println("video: uploading " + source + " to the origin, which encodes it once (minutes) ...");
        HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(originUrl + "/api/videos?title="
                        + URLEncoder.encode(title, StandardCharsets.UTF_8)))
                .header("Content-Type", "video/mp4")
                .POST(HttpRequest.BodyPublishers.ofFile(source)).build(), HttpResponse.BodyHandlers.ofString());
        if (upload.statusCode() != 202) {
            throw new IOException("the origin refused the upload: " + upload.statusCode() + " " + upload.body());
        }
        String id = new JsonObject(upload.body()).getString("id");
        long deadline = System.nanoTime() + encodeLimit.toNanos();
        double shown = -1;
        while (System.nanoTime() < deadline) {
            JsonObject video = getJson("/api/videos/" + id);
            String state = video.getString("state");
            if ("ready".equals(state)) {
                System.out.println("video: " + id + " ready");
                return published(video);
            }
            if ("failed".equals(state)) {
                throw new IOException("the origin failed to encode " + source + ": " + video.getString("error"));
            }
            double progress = video.getDouble("progress", 0.0);
            if (progress - shown >= 0.1) {
                System.out.printf(Locale.ROOT, "video: %s %s %.0f %%%n", id, state, 100 * progress);
                shown = progress;
            }
            Thread.sleep(2000);
        }
        throw new IOException("the encode of " + id + " did not finish within " + encodeLimit);
    }

    private static Published published(JsonObject video) {
        return new Published(video.getString("id"), video.getString("title"), video.getDouble("durationSeconds"),
                video.getJsonArray("renditions", new JsonArray()).size());
    }

    private JsonObject getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(originUrl + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " from the origin: " + response.statusCode() + " " + response.body());
        }
        return new JsonObject(response.body());
    }
}
