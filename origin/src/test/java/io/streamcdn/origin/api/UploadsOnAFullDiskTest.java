package io.streamcdn.origin.api;

import io.streamcdn.common.testing.RoleOnSmallDisk;
import io.streamcdn.media.SampleVideo;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An origin whose data folder's disk fills up in the middle of an upload: the upload is answered 507 with a
 * reason, its partial file is removed, the catalog and the videos already published are untouched, and once
 * the space is back the next upload is taken. The origin runs in its own JVM on a real small disk (an 8 MiB
 * tmpfs in a user namespace, or, where those are disabled, a file size limit: see {@link RoleOnSmallDisk}).
 */
class UploadsOnAFullDiskTest {

    private static final long DISK_BYTES = 8L << 20;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    @Test
    void anUploadThatFillsTheDiskIs507WithItsPartialFileRemovedAndTheCatalogUnchanged() throws Exception {
        Path sample = dir.resolve("sample.mp4");
        SampleVideo.write(sample, 1);
        byte[] video = Files.readAllBytes(sample);
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (RoleOnSmallDisk origin = RoleOnSmallDisk.start(OriginServer.class, dir.resolve("data"), DISK_BYTES, port,
                List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir",
                        dir.resolve("data").toString(), "--ladder", "240p:400k", "--x264-preset", "ultrafast",
                        "--encode-threads", "1"))) {
            System.out.println("small disk made by " + origin.method());
            String published = new JsonObject(upload("?title=first", video).body()).getString("id");
            awaitReady(published);
            JsonArray catalogBefore = catalog();

            byte[] tooBig = new byte[(int) (2 * DISK_BYTES)];
            new Random(1).nextBytes(tooBig);
            HttpResponse<String> refused = upload("?title=too%20big", tooBig);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(507);
            JsonObject error = new JsonObject(refused.body());
            assertThat(error.getString("error")).isEqualTo("insufficient_storage");
            assertThat(error.getString("reason")).containsAnyOf("No space left on device", "File too large")
                    .contains("nothing of it was kept");
            awaitEmpty(origin.folder().resolve("uploads"));
            try (Stream<Path> sources = Files.list(origin.folder().resolve("sources"))) {
                assertThat(sources.map(p -> p.getFileName().toString())).containsExactly(published);
            }
            assertThat(catalog()).isEqualTo(catalogBefore);
            assertThat(get("/videos/" + published + "/manifest.mpd").statusCode()).isEqualTo(200);
            assertThat(get("/metrics").body()).containsPattern("streamcdn_uploads_total\\{outcome=\"no_space\".*\\} 1\\.0");
            origin.awaitLine(line -> line.contains("no_space") && line.contains("nothing of it was kept"));

            HttpResponse<String> next = upload("?title=next", video); // the space is back
            assertThat(next.statusCode()).as(next.body()).isEqualTo(202);
            String nextId = new JsonObject(next.body()).getString("id");
            assertThat(http.send(HttpRequest.newBuilder(uri("/api/videos/" + nextId)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
        }
    }

    private HttpResponse<String> upload(String query, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/api/videos" + query)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "video/mp4").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonArray catalog() throws Exception {
        return new JsonObject(get("/api/videos").body()).getJsonArray("videos");
    }

    private void awaitReady(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            JsonObject video = new JsonObject(get("/api/videos/" + id).body());
            if ("ready".equals(video.getString("state"))) {
                return;
            }
            assertThat(video.getString("state")).as(video.encode()).isNotEqualTo("failed");
            assertThat(System.nanoTime()).as("the first video is published within 120 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void awaitEmpty(Path folder) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Stream<Path> files = Files.list(folder)) {
                List<Path> left = files.toList();
                if (left.isEmpty()) {
                    return;
                }
                assertThat(System.nanoTime()).as("partial files removed: " + left).isLessThan(deadline);
            }
            Thread.sleep(20);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
