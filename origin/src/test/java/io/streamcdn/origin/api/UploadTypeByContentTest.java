package io.streamcdn.origin.api;

import io.streamcdn.media.SampleVideo;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an upload is, is decided by probing its bytes: neither its {@code Content-Type} nor its file name
 * counts. A real MP4 labelled as text is a video; a text file labelled as an MP4 is not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadTypeByContentTest {

    @TempDir
    static Path dir;
    private TestOrigin origin;
    private byte[] mp4;
    private final byte[] text = "a shopping list, not a movie\n".repeat(100).getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    void start() throws Exception {
        Path sample = dir.resolve("sample.mp4");
        SampleVideo.write(sample, 1);
        mp4 = Files.readAllBytes(sample);
        origin = TestOrigin.start(dir.resolve("data"), 64L << 20);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @Test
    void aRealMp4SentAsTextPlainIsAccepted() throws Exception {
        HttpResponse<String> response = origin.upload("?title=labelled%20as%20text", "text/plain", mp4);

        assertAcceptedThenDeleted(response);
    }

    @Test
    void aRealMp4InAFormNamedXTxtWithTypeTextPlainIsAccepted() throws Exception {
        HttpResponse<String> response = uploadForm("x.txt", "text/plain", mp4);

        assertAcceptedThenDeleted(response);
    }

    @Test
    void aTextFileSentAsVideoMp4IsRefusedAsUnsupported() throws Exception {
        HttpResponse<String> response = origin.upload("?title=movie.mp4", "video/mp4", text);

        assertUnsupportedAndNothingKept(response);
    }

    @Test
    void aTextFileInAFormNamedMovieMp4WithTypeVideoMp4IsRefusedAsUnsupported() throws Exception {
        HttpResponse<String> response = uploadForm("movie.mp4", "video/mp4", text);

        assertUnsupportedAndNothingKept(response);
    }

    private void assertAcceptedThenDeleted(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonObject video = new JsonObject(response.body());
        assertThat(video.getJsonObject("source").getString("container")).contains("mp4");
        // Nothing more to prove here: cancel the encode so the two cores stay for other tests.
        assertThat(origin.delete("/api/videos/" + video.getString("id")).statusCode()).isEqualTo(204);
    }

    private void assertUnsupportedAndNothingKept(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(415);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("unsupported_media");
        assertThat(error.getString("reason")).contains("not a video");
        try (var uploads = Files.list(origin.data().uploads()); var sources = Files.list(origin.data().sources())) {
            assertThat(uploads).isEmpty();
            assertThat(sources).isEmpty();
        }
        assertThat(new JsonObject(origin.get("/api/videos").body()).getJsonArray("videos")).isEmpty();
    }

    /** A form whose file part carries the given name and type. */
    private HttpResponse<String> uploadForm(String fileName, String partType, byte[] file) throws Exception {
        String boundary = "----streamcdn-by-content";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + partType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return origin.send(HttpRequest.newBuilder(origin.uri("/api/videos"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }
}
