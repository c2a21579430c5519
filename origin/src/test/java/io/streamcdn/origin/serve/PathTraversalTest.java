package io.streamcdn.origin.serve;

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
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests crafted to reach files outside a video's folder, sent byte for byte over a raw socket (an
 * HTTP client library would normalise most of them away). None may be answered with a file: each gets
 * 400 (not a video path) or 404 (no such file), with a JSON reason, and the origin keeps serving.
 */
class PathTraversalTest {

    private static final String ID = FakeVideo.ID;

    @TempDir
    static Path temp;
    static FakeVideo video;
    static RunningOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        origin = RunningOrigin.start(data); // start-up removes folders with no catalog record
        video = FakeVideo.publish(data);
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/videos/" + ID + "/../../catalog/" + ID + ".json",
            "/videos/" + ID + "/%2e%2e/%2e%2e/catalog/" + ID + ".json",
            "/videos/" + ID + "/%2E%2E/%2E%2E/catalog/" + ID + ".json",
            "/videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json",
            "/videos/" + ID + "/%2e%2e%2f%2e%2e%2fcatalog%2f" + ID + ".json",
            "/videos/" + ID + "/%252e%252e/%252e%252e/catalog/" + ID + ".json",
            "/videos/" + ID + "/%252e%252e%252fcatalog",
            "/videos/" + ID + "/720p%2f..%2f..%2f..%2fcatalog%2f" + ID + ".json",
            "/videos/" + ID + "/..\\..\\catalog\\" + ID + ".json",
            "/videos/" + ID + "/%5c..%5c..%5ccatalog%5c" + ID + ".json",
            "/videos/" + ID + "/manifest.mpd%00.jpg",
            "/videos/" + ID + "/%2fetc%2fpasswd",
            "/videos//etc/passwd",
            "/videos/" + ID + "//etc/passwd",
            "/videos/" + ID + "/etc/passwd",
            "/videos/..%2f..%2fcatalog/" + ID + ".json",
            "/videos/%2e%2e/catalog/" + ID + ".json",
            "/videos/" + ID + "/.hidden",
            "/videos/" + ID + "/./manifest.mpd",
            "/videos/" + ID + "/720p/../../../catalog/" + ID + ".json",
            "/videos/" + ID + "/720p/seg-00001.m4s/../../../../catalog/" + ID + ".json",
            "/videos/ABC123DEF456/manifest.mpd",
            "/videos/" + ID + "/manifest.mpd/",
            "/videos/" + ID + "/%zz",
            "/videos/" + ID,
            "/videos/",
            "/videos",
            "/videos/" + ID + "/a/b/c",
            "/videos/" + ID + "/manifest.mpd/x",
            "/videos/" + ID + "/leak.m4s",
            "/videos/" + ID + "/720x/secret.txt",
            "/videos/" + ID + "/catalog.json",
            "http://127.0.0.1/videos/" + ID + "/../../catalog/" + ID + ".json",
            "/x/../videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json",
    })
    void neverAnswersWithAFileOutsideTheVideo(String target) throws Exception {
        RawHttp.Response response = origin.raw("GET", target);

        assertThat(response.status()).as(target).isIn(400, 404);
        assertThat(response.bodyText()).doesNotContain(FakeVideo.SECRET);
        if (response.body().length > 0) {
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            assertThat(new JsonObject(response.bodyText()).getString("reason")).isNotBlank();
        }
    }

    @Test
    void aPathThatIsNotAVideoPathGets400WithTheReason() throws Exception {
        RawHttp.Response response = origin.raw("GET", "/videos/" + ID + "/..%2f..%2fcatalog%2f" + ID + ".json");

        assertThat(response.status()).isEqualTo(400);
        JsonObject body = new JsonObject(response.bodyText());
        assertThat(body.getString("error")).isEqualTo("bad_path");
        assertThat(body.getString("reason")).contains("not allowed");
    }

    @Test
    void aSymlinkLeadingOutOfTheVideoIsNotFound() throws Exception {
        RawHttp.Response response = origin.raw("GET", "/videos/" + ID + "/leak.m4s");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.bodyText()).doesNotContain(FakeVideo.SECRET);
    }

    @Test
    void percentEncodedLettersOfAnOrdinaryNameAreDecodedOnce() throws Exception {
        RawHttp.Response response = origin.raw("GET", "/videos/" + ID + "/%6danifest.mpd");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("manifest.mpd"));
    }

    @Test
    void keepsServingAfterEveryBadRequest() throws Exception {
        for (String target : new String[] {"/videos/" + ID + "/%2e%2e/%2e%2e/x", "/videos/" + ID + "/..\\x",
                "/videos/" + ID + "/%00", "/videos/%252e/x"}) {
            origin.raw("GET", target);
        }

        RawHttp.Response response = origin.raw("GET", "/videos/" + ID + "/720p/seg-00001.m4s");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("720p/seg-00001.m4s"));
        assertThat(new String(response.body(), StandardCharsets.ISO_8859_1)).doesNotContain(FakeVideo.SECRET);
    }
}
