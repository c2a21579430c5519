package io.streamcdn.origin.api;

import io.streamcdn.media.testing.FfmpegTools;

import io.streamcdn.media.PackageLayout;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.streamcdn.origin.testing.TestOrigin.inState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * One real clip through the whole life of a video: upload, queue, encode, publish, list, delete. The
 * encode is the expensive part (two cores), so one encode serves every assertion, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VideoLifecycleTest {

    private static final Duration ENCODE_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dataDir;
    private TestOrigin origin;
    private HttpResponse<String> accepted;
    private String id;

    @BeforeAll
    void uploadTheClip() throws Exception {
        origin = TestOrigin.start(dataDir, UploadLimits.DEFAULT_MAX_BYTES);
        accepted = origin.upload("?title=%20Big%20Buck%20Bunny%20", "video/mp4", Files.readAllBytes(TestMedia.clip360p()));
        id = new JsonObject(accepted.body()).getString("id");
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @Test
    @Order(1)
    void rawUploadIsAcceptedWithItsLocationAndTheQueuedVideo() throws Exception {
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(id).matches("[a-z0-9]{12}");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/videos/" + id);
        JsonObject video = new JsonObject(accepted.body());
        assertThat(video.getString("state")).isEqualTo("queued");
        assertThat(video.getString("title")).isEqualTo("Big Buck Bunny");
        assertThat(video.getInteger("attempts")).isZero();
        assertThat(video.containsKey("urls")).isFalse();
        JsonObject source = video.getJsonObject("source");
        assertThat(source.getString("videoCodec")).isEqualTo("hevc");
        assertThat(source.getInteger("width")).isEqualTo(640);
        assertThat(source.getInteger("height")).isEqualTo(360);
        assertThat(source.getBoolean("hasAudio")).isTrue();
        assertThat(source.getDouble("durationSeconds")).isCloseTo(10.0, within(0.2));
    }

    @Test
    @Order(2)
    void theVideoIsEncodedToReadyWithProgressSeenOnTheWayAndNeverAHalfPublishedLadder() throws Exception {
        List<Double> progress = new ArrayList<>();
        JsonObject ready = origin.awaitVideo(id, v -> inState(v, "ready") || inState(v, "failed"), ENCODE_TIMEOUT, v -> {
            if (inState(v, "encoding")) {
                progress.add(v.getDouble("progress"));
            }
            // The ladder appears by one rename just before the record turns ready: until then it is either
            // absent or already complete, never partial.
            java.nio.file.Path published = origin.data().published(id);
            if (!inState(v, "ready") && java.nio.file.Files.exists(published)) {
                assertThat(published.resolve("manifest.mpd")).as("a published ladder is whole").exists();
                assertThat(published.resolve("master.m3u8")).exists();
            }
        });

        assertThat(ready.getString("state")).as(ready.encodePrettily()).isEqualTo("ready");
        assertThat(progress).as("progress while encoding").anyMatch(p -> p > 0 && p < 1);
        assertThat(progress).isSorted();
        assertThat(ready.getDouble("progress")).isEqualTo(1.0);
        assertThat(ready.getInteger("attempts")).isEqualTo(1);
        assertThat(ready.getDouble("durationSeconds")).isCloseTo(10.0, within(0.5));
        JsonArray renditions = ready.getJsonArray("renditions");
        assertThat(renditions.stream().map(r -> ((JsonObject) r).getString("id"))).containsExactly("360p", "240p");
        for (Object r : renditions) {
            JsonObject rendition = (JsonObject) r;
            assertThat(rendition.getLong("bandwidth")).isPositive();
            assertThat(rendition.getString("codecs")).startsWith("avc1.");
            assertThat(rendition.getInteger("width") % 2).isZero();
        }
        JsonObject urls = ready.getJsonObject("urls");
        assertThat(urls.getString("mpd")).isEqualTo("/videos/" + id + "/manifest.mpd");
        assertThat(urls.getString("hls")).isEqualTo("/videos/" + id + "/master.m3u8");
        assertThat(urls.getString("poster")).isEqualTo("/videos/" + id + "/poster.jpg");
    }

    @Test
    @Order(3)
    void publishedFolderHoldsManifestsPosterAndEveryRenditionAndNoStagingIsLeft() throws Exception {
        Path published = origin.data().published(id);
        for (String file : List.of(PackageLayout.MPD, PackageLayout.HLS_MASTER, PackageLayout.POSTER,
                "360p/" + PackageLayout.INIT, "360p/" + PackageLayout.segmentFile(1),
                "240p/" + PackageLayout.INIT, PackageLayout.AUDIO_ID + "/" + PackageLayout.INIT)) {
            assertThat(published.resolve(file)).as(file).isNotEmptyFile();
        }
        try (var staging = Files.list(origin.data().staging()); var uploads = Files.list(origin.data().uploads())) {
            assertThat(staging).isEmpty();
            assertThat(uploads).isEmpty();
        }
        assertThat(origin.data().source(id)).as("the original is kept for re-encodes").isRegularFile();
    }

    @Test
    @Order(3)
    void ffmpegPlaysThePublishedLadderOverHttpWithoutErrors() throws Exception {
        String base = origin.uri("/videos/" + id + "/").toString();
        // FFmpeg's DASH and HLS demuxers as an independent player; -v error prints only real errors.
        String dash = FfmpegTools.ffmpeg("-i", base + "manifest.mpd", "-map", "0:v:0", "-map", "0:a:0", "-f", "null", "-");
        assertThat(dash).as("DASH playback errors").isBlank();
        for (String playlist : List.of("360p/playlist.m3u8", "240p/playlist.m3u8", "audio/playlist.m3u8")) {
            assertThat(FfmpegTools.ffmpeg("-i", base + playlist, "-f", "null", "-")).as("HLS %s errors", playlist).isBlank();
        }
    }

    @Test
    @Order(4)
    void listShowsTheReadyVideoWithItsLinks() throws Exception {
        HttpResponse<String> list = origin.get("/api/videos");

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Type")).contains("application/json");
        JsonObject first = new JsonObject(list.body()).getJsonArray("videos").getJsonObject(0);
        assertThat(first.getString("id")).isEqualTo(id);
        assertThat(first.getJsonObject("urls").getString("mpd")).endsWith("/manifest.mpd");
    }

    @Test
    @Order(5)
    void encodeMetricsRecordTheFinishedJob() throws Exception {
        String metrics = origin.scrapeMetrics();

        assertThat(metrics).contains("streamcdn_encode_duration_seconds_count{outcome=\"ready\",role=\"origin\"} 1");
        assertThat(metrics).contains("streamcdn_encode_speed_ratio_count{role=\"origin\"} 1");
        assertThat(metrics).contains("streamcdn_encode_rung_duration_seconds_count{role=\"origin\",rung=\"360p\"} 1");
        assertThat(metrics).contains("streamcdn_encode_rung_duration_seconds_count{role=\"origin\",rung=\"240p\"} 1");
        assertThat(metrics).contains("streamcdn_encode_queue_length{role=\"origin\"} 0");
        assertThat(metrics).contains("streamcdn_encodes_running{role=\"origin\"} 0");
        assertThat(metrics).contains("streamcdn_uploads_total{outcome=\"accepted\",role=\"origin\"} 1");
        // Histograms (aggregatable across origins), not summaries: the 1-hour bucket holds the job.
        assertThat(metrics).contains("streamcdn_encode_duration_seconds_bucket{outcome=\"ready\",role=\"origin\",le=\"3600.0\"} 1");
        assertThat(metrics).contains("streamcdn_encode_rung_duration_seconds_bucket{role=\"origin\",rung=\"360p\",le=\"3600.0\"} 1");
    }

    @Test
    @Order(6)
    void multipartUploadIsAcceptedAndDeletingItMidEncodeRemovesEverything() throws Exception {
        HttpResponse<String> response = origin.uploadForm("bbb-360p-10s.mp4", Files.readAllBytes(TestMedia.clip360p()), null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonObject video = new JsonObject(response.body());
        String second = video.getString("id");
        assertThat(video.getString("title")).as("the file name stands in for a title").isEqualTo("bbb-360p-10s.mp4");
        assertThat(response.headers().firstValue("Location")).contains("/api/videos/" + second);

        origin.awaitVideo(second, v -> inState(v, "encoding") && v.getDouble("progress") > 0, ENCODE_TIMEOUT, v -> { });
        HttpResponse<String> deleted = origin.delete("/api/videos/" + second);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(origin.get("/api/videos/" + second).statusCode()).isEqualTo(404);
        assertThat(origin.data().staging(second)).doesNotExist();
        assertThat(origin.data().source(second)).doesNotExist();
        assertThat(origin.data().published(second)).doesNotExist();
        assertThat(origin.data().record(second)).doesNotExist();
        assertThat(origin.scrapeMetrics()).contains("streamcdn_encode_duration_seconds_count{outcome=\"cancelled\",role=\"origin\"} 1");
        assertThat(new JsonObject(origin.get("/api/videos").body()).getJsonArray("videos")).hasSize(1);
    }

    @Test
    @Order(7)
    void deletingAReadyVideoWithdrawsItsPublishedFolder() throws Exception {
        assertThat(origin.delete("/api/videos/" + id).statusCode()).isEqualTo(204);

        assertThat(origin.get("/api/videos/" + id).statusCode()).isEqualTo(404);
        assertThat(origin.delete("/api/videos/" + id).statusCode()).isEqualTo(404);
        assertThat(origin.data().published(id)).doesNotExist();
        assertThat(origin.data().source(id)).doesNotExist();
        try (var trash = Files.list(origin.data().trash())) {
            assertThat(trash).isEmpty();
        }
    }
}
