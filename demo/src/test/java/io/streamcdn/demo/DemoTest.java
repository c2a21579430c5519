package io.streamcdn.demo;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {

    @Test
    void demoIngestsTheGeneratedSampleOnceAndServesItsLadder(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String firstId;
        try (Demo.Running demo = demo(dir).start()) {
            firstId = demo.videoId();
            JsonObject video = awaitReady(http, demo.baseUrl(), firstId);
            assertThat(video.getString("title")).isEqualTo("Sample test pattern");
            assertThat(video.getJsonArray("renditions")).hasSize(4); // 720p source: 720p, 480p, 360p, 240p
            HttpResponse<String> mpd = http.send(HttpRequest.newBuilder(
                    URI.create(demo.baseUrl() + "/videos/" + firstId + "/manifest.mpd")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mpd.statusCode()).isEqualTo(200);
            assertThat(mpd.headers().firstValue("Content-Type")).hasValue("application/dash+xml");
            HttpResponse<String> viaEdge = http.send(HttpRequest.newBuilder(
                    URI.create(demo.edgeUrl() + "/videos/" + firstId + "/manifest.mpd")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(viaEdge.statusCode()).isEqualTo(200);
            assertThat(viaEdge.headers().firstValue("X-Cache")).hasValue("MISS");
            assertThat(viaEdge.body()).isEqualTo(mpd.body());
            // The edge registered itself with the router, which sends viewers to it.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            HttpResponse<String> redirect;
            do {
                Thread.sleep(50);
                redirect = http.send(HttpRequest.newBuilder(URI.create(demo.routerUrl() + "/videos/" + firstId
                        + "/manifest.mpd")).build(), HttpResponse.BodyHandlers.ofString());
            } while (redirect.statusCode() != 302 && System.nanoTime() < deadline);
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).hasValue(demo.edgeUrl() + "/videos/" + firstId
                    + "/manifest.mpd");
        }
        // A second start over the same data offers the existing video instead of ingesting another.
        try (Demo.Running again = demo(dir).start()) {
            assertThat(again.videoId()).isEqualTo(firstId);
            String list = http.send(HttpRequest.newBuilder(URI.create(again.baseUrl() + "/api/videos")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(new JsonObject(list).getJsonArray("videos")).hasSize(1);
        }
    }

    private static Demo demo(Path dir) {
        Demo demo = new Demo();
        new CommandLine(demo).parseArgs("--port", "0", "--edge-port", "0", "--router-port", "0", "--data-dir", dir.resolve("data").toString(), "--sample-seconds", "4");
        return demo;
    }

    private static JsonObject awaitReady(HttpClient http, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonObject video = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/api/videos/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if ("ready".equals(video.getString("state")) || System.nanoTime() > deadline) {
                assertThat(video.getString("state")).as(video.encodePrettily()).isEqualTo("ready");
                return video;
            }
            Thread.sleep(200);
        }
    }
}
