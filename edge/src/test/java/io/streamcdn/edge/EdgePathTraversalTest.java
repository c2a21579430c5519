package io.streamcdn.edge;

import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.FakeVideo;
import io.streamcdn.origin.testing.RawHttp;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests crafted to reach files outside a video, sent byte for byte to a real edge in front of a real origin
 * (an HTTP client library would normalise most of them away). Secrets sit next to the edge's cache folder and in
 * the origin's data folder. None may be answered with a file: each gets 400 (not a video path, refused before the
 * cache or the origin is touched) or 404, with a JSON reason; the edge stores nothing for them and keeps serving.
 */
class EdgePathTraversalTest {

    private static final String ID = FakeVideo.ID;

    @TempDir
    static Path temp;
    static FakeVideo video;
    static RunningOrigin origin;
    static TestEdge edge;
    static Path cacheDir;

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        origin = RunningOrigin.start(data); // start-up removes folders with no catalog record
        video = FakeVideo.publish(data);
        cacheDir = Files.createDirectories(temp.resolve("cache"));
        Files.writeString(temp.resolve("secret.txt"), FakeVideo.SECRET);
        edge = TestEdge.start("edge-traversal", cacheDir, "http://127.0.0.1:" + origin.port(), Clock.systemUTC(),
                b -> b);
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        origin.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/videos/" + ID + "/../../catalog/" + ID + ".json",
            "/videos/" + ID + "/../../../secret.txt",
            "/videos/" + ID + "/%2e%2e/%2e%2e/catalog/" + ID + ".json",
            "/videos/" + ID + "/%2E%2E/%2E%2E/%2E%2E/secret.txt",
            "/videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json",
            "/videos/..%2f..%2fetc/passwd",
            "/videos/" + ID + "/%2e%2e%2f%2e%2e%2fcatalog%2f" + ID + ".json",
            "/videos/" + ID + "/%252e%252e/%252e%252e/catalog/" + ID + ".json",
            "/videos/" + ID + "/%252e%252e%252fcatalog",
            "/videos/" + ID + "/720p%2f..%2f..%2f..%2fcatalog%2f" + ID + ".json",
            "/videos/" + ID + "/..\\..\\catalog\\" + ID + ".json",
            "/videos/" + ID + "/%5c..%5c..%5ccatalog%5c" + ID + ".json",
            "/videos/" + ID + "/manifest.mpd%00.jpg",
            "/videos/" + ID + "/manifest.mpd%00",
            "/videos/" + ID + "/%c0%ae%c0%ae/catalog/" + ID + ".json",
            "/videos/" + ID + "/%2fetc%2fpasswd",
            "/videos//etc/passwd",
            "/videos/" + ID + "//etc/passwd",
            "/videos/%2e%2e/catalog/" + ID + ".json",
            "/videos/" + ID + "/./manifest.mpd",
            "/videos/" + ID + "/720p/../../../catalog/" + ID + ".json",
            "/videos/" + ID + "/%zz",
            "/videos/" + ID,
            "/videos/",
            "/videos/" + ID + "/leak.m4s",
            "/videos/" + ID + "/720x/secret.txt",
            "/videos/" + ID + "/catalog.json",
            "http://127.0.0.1/videos/" + ID + "/../../catalog/" + ID + ".json",
            "/x/../videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json",
    })
    void neverAnswersWithAFileOutsideTheVideo(String target) throws Exception {
        RawHttp.Response response = RawHttp.send(edge.port(), "GET", target);

        assertThat(response.status()).as(target).isIn(400, 404);
        assertThat(response.bodyText()).doesNotContain(FakeVideo.SECRET);
        if (response.body().length > 0) {
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(new JsonObject(response.bodyText()).getString("reason")).isNotBlank();
        }
        try (Stream<Path> stored = Files.walk(cacheDir)) {
            assertThat(stored.filter(Files::isRegularFile).map(EdgePathTraversalTest::read))
                    .noneMatch(content -> content.contains(FakeVideo.SECRET));
        }
    }

    @Test
    void anEncodedTraversalIs400BeforeTheOriginIsAsked() throws Exception {
        assertThat(RawHttp.send(edge.port(), "GET", "/videos/" + ID + "/master.m3u8").status()).isEqualTo(200);
        double before = edge.metric("streamcdn_edge_upstream_requests_total");
        assertThat(before).as("the counter sees upstream requests").isPositive();

        RawHttp.Response response = RawHttp.send(edge.port(), "GET", "/videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json");

        assertThat(response.status()).isEqualTo(400);
        assertThat(new JsonObject(response.bodyText()).getString("error")).isEqualTo("bad_path");
        assertThat(edge.metric("streamcdn_edge_upstream_requests_total")).isEqualTo(before);
    }

    @Test
    void keepsServingAfterEveryBadRequest() throws Exception {
        for (String target : new String[] {"/videos/" + ID + "/%2e%2e/%2e%2e/x", "/videos/" + ID + "/..\\x",
                "/videos/" + ID + "/%00", "/videos/%252e/x"}) {
            RawHttp.send(edge.port(), "GET", target);
        }

        RawHttp.Response response = RawHttp.send(edge.port(), "GET", "/videos/" + ID + "/720p/seg-00001.m4s");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("720p/seg-00001.m4s"));
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
