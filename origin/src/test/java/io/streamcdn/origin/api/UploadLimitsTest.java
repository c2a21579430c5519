package io.streamcdn.origin.api;

import io.streamcdn.media.SampleVideo;
import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin's limits on what it takes in: real videos that play too long or whose picture is too big are
 * refused with 422 and a reason naming the limit (before anything is decoded), and one client address may
 * stream only a few uploads at once (429 with {@code Retry-After}). Every refusal leaves nothing on disk and
 * the catalog empty. The files are real, made by FFmpeg's own command-line tool: a 16K (15360x8640) H.264
 * picture of one frame, and a 16x16 H.264 video of 4 h 1 min at one frame every 10 s; both are small.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadLimitsTest {

    @TempDir
    static Path dir;
    private TestOrigin origin;
    private Path sixteenK;
    private Path fourHoursOneMinute;

    @BeforeAll
    void start() throws Exception {
        sixteenK = dir.resolve("16k.mp4");
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=15360x8640:r=1", "-frames:v", "1",
                "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", sixteenK.toString());
        fourHoursOneMinute = dir.resolve("4h01m.mp4");
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "color=c=blue:s=16x16:r=1/10", "-t", "14460",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "100000", fourHoursOneMinute.toString());
        origin = TestOrigin.start(dir.resolve("data"), 64L << 20); // the default limits
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @AfterEach
    void nothingKeptAndStillServing() throws Exception {
        assertNothingKept(origin);
    }

    @Test
    void aSixteenKVideoIsRefusedNamingTheResolutionLimit() throws Exception {
        HttpResponse<String> response = origin.upload("?title=16k", "video/mp4", Files.readAllBytes(sixteenK));

        assertThat(response.statusCode()).isEqualTo(422);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("resolution_over_limit");
        assertThat(error.getString("reason")).contains("15360x8640", "4096x2304", "--max-resolution");
        assertThat(counter("streamcdn_uploads_total{outcome=\"over_limit\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aVideoOfFourHoursAndOneMinuteIsRefusedNamingTheDurationLimit() throws Exception {
        HttpResponse<String> response = origin.uploadForm("long.mp4", Files.readAllBytes(fourHoursOneMinute), "long");

        assertThat(response.statusCode()).isEqualTo(422);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("duration_over_limit");
        assertThat(error.getString("reason")).contains("4:01:00", "4:00:00", "--max-duration");
    }

    @Test
    void aConfiguredResolutionLimitIsTheOneApplied() throws Exception {
        Path hd = dir.resolve("720p.mp4");
        SampleVideo.write(hd, 1);
        try (TestOrigin small = TestOrigin.start(dir.resolve("small"), b -> b.maxResolution("640x360"))) {
            HttpResponse<String> response = small.upload("", "video/mp4", Files.readAllBytes(hd));

            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(new JsonObject(response.body()).getString("reason")).contains("1280x720", "640x360");
            assertNothingKept(small);
        }
    }

    @Test
    void aThirdConcurrentUploadFromOneClientIsTurnedAwayWith429UntilOneEnds() throws Exception {
        double abortedBefore = counter("streamcdn_uploads_total{outcome=\"aborted\"");
        Socket first = streamingUpload();
        Socket second = streamingUpload();
        try {
            awaitPartialFiles(2);

            HttpResponse<String> third = origin.upload("", "video/mp4", new byte[1000]);

            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            JsonObject error = new JsonObject(third.body());
            assertThat(error.getString("error")).isEqualTo("too_many_uploads");
            assertThat(error.getString("reason")).contains("127.0.0.1", "2 uploads", "--max-uploads-per-client");
            assertThat(counter("streamcdn_uploads_total{outcome=\"client_limit\"")).isEqualTo(1);

            first.close(); // one ends: its slot is free again
            awaitCounter("streamcdn_uploads_total{outcome=\"aborted\"", abortedBefore + 1);
            HttpResponse<String> next = origin.upload("", "video/mp4", "not a video".getBytes(StandardCharsets.UTF_8));
            assertThat(next.statusCode()).as("probed, not turned away").isEqualTo(415);
        } finally {
            first.close();
            second.close();
        }
        awaitCounter("streamcdn_uploads_total{outcome=\"aborted\"", abortedBefore + 2);
        awaitNoPartialFiles();
    }

    /** An upload that has sent its head and 10 of its 1,000 bytes, and waits. */
    private Socket streamingUpload() throws Exception {
        Socket socket = new Socket("127.0.0.1", origin.port());
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: 1000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[10]);
        out.flush();
        return socket;
    }

    private static void assertNothingKept(TestOrigin origin) throws Exception {
        try (var uploads = Files.list(origin.data().uploads()); var sources = Files.list(origin.data().sources())) {
            assertThat(uploads).as("uploads/").isEmpty();
            assertThat(sources).as("sources/").isEmpty();
        }
        HttpResponse<String> list = origin.get("/api/videos");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(list.body()).getJsonArray("videos")).as("catalog").isEmpty();
    }

    private void awaitPartialFiles(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fileCount(origin.data().uploads()) < count) {
            assertThat(System.nanoTime()).as("partial files appear while bodies stream").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private void awaitNoPartialFiles() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fileCount(origin.data().uploads()) > 0) {
            assertThat(System.nanoTime()).as("aborted uploads' files are deleted").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static long fileCount(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.count();
        }
    }

    private void awaitCounter(String prefix, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter(prefix) < atLeast) {
            assertThat(System.nanoTime()).as(prefix + " reaches " + atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private double counter(String prefix) throws Exception {
        return origin.scrapeMetrics().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
