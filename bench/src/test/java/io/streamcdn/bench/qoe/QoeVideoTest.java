package io.streamcdn.bench.qoe;

import io.streamcdn.media.MediaInfo;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.Rung;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's media preparation on a short loop and a two-rung ladder (the real run uses 180 s, six rungs). */
class QoeVideoTest {

    private static final PensieveLadder SMALL = new PensieveLadder(List.of(240, 288), List.of(300, 750), 4.0);

    @TempDir
    Path work;

    @Test
    void theClipIsLoopedOnceToTheLengthAsked() throws Exception {
        Path clip = SharedTraces.shared().resolve("media/bbb-360p-10s.mp4");

        Path looped = QoeVideo.loopedSource(clip, 25, work);
        long modified = Files.getLastModifiedTime(looped).toMillis();
        Path again = QoeVideo.loopedSource(clip, 25, work);

        MediaInfo info = new MediaPipeline(new EncoderSettings(Rung.DEFAULT_LADDER, 2.0, "veryfast", 128, 0)).probe(looped);
        assertThat(info.durationSeconds()).isCloseTo(25.0, within(0.3));
        assertThat(again).isEqualTo(looped);
        assertThat(Files.getLastModifiedTime(again).toMillis()).isEqualTo(modified);
        try (var files = Files.list(work)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bbb-360p-10s-25s.mp4");
        }
    }

    @Test
    void theOriginEncodesTheVideoOnceWithTheLadderAndALaterRunFindsIt() throws Exception {
        Path clip = SharedTraces.shared().resolve("media/bbb-360p-10s.mp4");
        Path source = QoeVideo.loopedSource(clip, 8, work.resolve("media"));
        String title = QoeVideo.title(clip, 8, SMALL);
        List<String> flags = List.of("--host", "127.0.0.1", "--port", "0", "--data-dir", work.resolve("origin").toString(),
                "--ladder", SMALL.originFlag(), "--segment-seconds", "4");

        QoeVideo.Published first;
        try (BenchOrigin origin = BenchOrigin.start(flags)) {
            first = new QoeVideo(origin.url()).ensure(source, title, Duration.ofMinutes(5));
            String mpd = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(origin.url()
                    + "/videos/" + first.id() + "/manifest.mpd")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(mpd).contains("bandwidth=", "id=\"240p\"", "id=\"288p\"");
        }
        assertThat(first.renditions()).isEqualTo(2);
        assertThat(first.durationSeconds()).isCloseTo(8.0, within(0.3));

        try (BenchOrigin restarted = BenchOrigin.start(flags)) {
            QoeVideo.Published second = new QoeVideo(restarted.url()).ensure(source, title, Duration.ofMinutes(5));
            JsonObject catalog = new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(restarted.url() + "/api/videos")).build(), HttpResponse.BodyHandlers.ofString()).body());

            assertThat(second.id()).isEqualTo(first.id());
            assertThat(catalog.getJsonArray("videos")).hasSize(1); // no second upload
        }
    }

    @Test
    void aMissingClipIsNamed() {
        Path missing = work.resolve("nope.mp4");

        assertThatThrownBy(() -> QoeVideo.loopedSource(missing, 10, work))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void aBadLadderIsRefusedByTheOriginsOwnFlagParsing() {
        List<String> flags = List.of("--port", "0", "--data-dir", work.toString(), "--ladder", "480p:300k,480p:750k");

        assertThatThrownBy(() -> BenchOrigin.start(flags)).hasMessageContaining("listed twice");
    }
}
