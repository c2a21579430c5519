package io.streamcdn.origin.api;

import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real media files the origin cannot turn into a ladder, made small with FFmpeg's own CLI: a sound file without
 * picture and a video damaged in the middle. Each is answered with a 4xx and a reason before any encode starts;
 * nothing of it stays under the data folder, the catalog is unchanged and the origin keeps serving. (Empty,
 * truncated, non-video and over-size uploads are in {@link UploadRefusalTest}; 16K pictures, over-long videos and
 * too many uploads from one client in {@link UploadLimitsTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnencodableUploadsAreRefusedTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path media;
    private TestOrigin origin;

    @BeforeAll
    void start() throws Exception {
        origin = TestOrigin.start(dataDir, 64L << 20);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @AfterEach
    void nothingIsLeftUnderTheDataFolderAndTheOriginStillServes() throws Exception {
        for (Path folder : new Path[] {origin.data().uploads(), origin.data().sources(), origin.data().staging(),
                origin.data().videos(), origin.data().catalog()}) {
            assertThat(filesUnder(folder)).as(folder.toString()).isEmpty();
        }
        HttpResponse<String> list = origin.get("/api/videos");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(list.body()).getJsonArray("videos")).as("catalog").isEmpty();
    }

    @Test
    void audioWithoutPictureIsRefusedAsNotAVideo() throws Exception {
        Path audio = media.resolve("speech.m4a");
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", audio.toString());

        JsonObject error = refused(origin.upload("?title=speech", "video/mp4", Files.readAllBytes(audio)), 415);

        assertThat(error.getString("error")).isEqualTo("unsupported_media");
        assertThat(error.getString("reason")).contains("no video");
    }

    @Test
    void aVideoDamagedInTheMiddleIsRefusedAsCorrupt() throws Exception {
        Path clip = media.resolve("clip.mp4");
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=6", "-c:v", "libx264", "-preset",
                "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-movflags", "+faststart", clip.toString());
        byte[] bytes = Files.readAllBytes(clip);
        byte[] noise = new byte[bytes.length / 5];
        new Random(11).nextBytes(noise);
        System.arraycopy(noise, 0, bytes, bytes.length * 2 / 5, noise.length); // 40 % to 60 % of the file

        JsonObject error = refused(origin.upload("?title=damaged", "video/mp4", bytes), 422);

        assertThat(error.getString("error")).isEqualTo("corrupt_media");
        assertThat(error.getString("reason")).isNotBlank();
    }

    private static JsonObject refused(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("reason")).isNotBlank();
        return error;
    }

    private static java.util.List<Path> filesUnder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
