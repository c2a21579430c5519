package io.streamcdn.origin.api;

import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads the origin must refuse, each answered with a status and a reason, leaving nothing on disk and
 * the server serving. No encode runs here: the probe decides everything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadRefusalTest {

    private static final long LIMIT = 1 << 20;

    @TempDir
    static Path dataDir;
    private TestOrigin origin;

    @BeforeAll
    void start() throws Exception {
        origin = TestOrigin.start(dataDir, LIMIT);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @AfterEach
    void leavesNothingBehindAndKeepsServing() throws Exception {
        try (var uploads = Files.list(origin.data().uploads()); var sources = Files.list(origin.data().sources())) {
            assertThat(uploads).as("uploads/").isEmpty();
            assertThat(sources).as("sources/").isEmpty();
        }
        assertThat(new io.vertx.core.json.JsonObject(origin.get("/api/videos").body()).getJsonArray("videos")).as("catalog").isEmpty();
        HttpResponse<String> list = origin.get("/api/videos");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(list.body()).getJsonArray("videos")).isEmpty();
    }

    @Test
    void nonVideoIsRefusedAsUnsupportedMediaWithAReason() throws Exception {
        HttpResponse<String> response = origin.upload("?title=notes", "application/octet-stream",
                "these are my holiday notes, not a video\n".repeat(200).getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(415);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("unsupported_media");
        assertThat(error.getString("reason")).isNotBlank();
    }

    @Test
    void randomBytesAreRefusedAsUnsupportedMedia() throws Exception {
        byte[] noise = new byte[300_000];
        new Random(7).nextBytes(noise);

        HttpResponse<String> response = origin.upload("", "video/mp4", noise);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(new JsonObject(response.body()).getString("reason")).isNotBlank();
    }

    @Test
    void truncatedClipIsRefusedAsCorruptWithAReason() throws Exception {
        byte[] clip = Files.readAllBytes(TestMedia.clip360p());
        byte[] head = Arrays.copyOf(clip, clip.length * 40 / 100);

        HttpResponse<String> response = origin.upload("", "video/mp4", head);

        assertThat(response.statusCode()).isEqualTo(422);
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo("corrupt_media");
        assertThat(error.getString("reason")).contains("truncated");
    }

    @Test
    void emptyBodyIsRefusedWithAReason() throws Exception {
        HttpResponse<String> response = origin.upload("", "video/mp4", new byte[0]);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("empty_upload");
    }

    @Test
    void emptyChunkedBodyIsRefusedWithAReason() throws Exception {
        try (Socket socket = connect()) {
            write(socket, "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            String response = readResponse(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 400").contains("empty_upload");
        }
    }

    @Test
    void emptyMultipartFileIsRefusedWithAReason() throws Exception {
        HttpResponse<String> response = origin.uploadForm("empty.mp4", new byte[0], "nothing");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("empty_upload");
    }

    @Test
    void multipartWithoutAFileFieldIsRefusedWithAReason() throws Exception {
        String boundary = "b0undary";
        byte[] form = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nno file\r\n--"
                + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = origin.upload("", "multipart/form-data; boundary=" + boundary, form);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(response.body()).getString("reason")).contains("'file'");
    }

    @Test
    void unknownContentTypeIsRefusedBeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> response = origin.upload("", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("unsupported_content_type");
    }

    @Test
    void overLimitUploadIsRefusedBeforeTheBodyIsRead() throws Exception {
        try (Socket socket = connect()) {
            long started = System.nanoTime();
            // Headers only: the answer must come without the server waiting for a single byte of body.
            write(socket, "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: "
                    + 2 * LIMIT + "\r\nExpect: 100-continue\r\n\r\n");
            String response = readResponse(socket.getInputStream());

            assertThat(response).as("no 100 Continue first").startsWith("HTTP/1.1 413").contains("too_large").containsIgnoringCase("connection: close");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
            assertThat(readToEnd(socket.getInputStream())).as("the server closes the connection").isEqualTo(-1);
        }
    }

    @Test
    void uploadWithinTheLimitIsInvitedToSendItsBody() throws Exception {
        try (Socket socket = connect()) {
            write(socket, "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: 20\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 100 Continue");

            write(socket, "this is not a video!");

            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 415").contains("unsupported_media");
        }
    }

    @Test
    void uploadsBeyondTheConcurrencyLimitAreTurnedAwayWithRetryAfter() throws Exception {
        double abortedBefore = counter(origin.scrapeMetrics(), "streamcdn_uploads_total{outcome=\"aborted\"");
        Socket[] streaming = new Socket[UploadLimits.DEFAULT_MAX_CONCURRENT];
        try {
            for (int i = 0; i < streaming.length; i++) {
                streaming[i] = connect();
                write(streaming[i], "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: 1000\r\n\r\n");
                streaming[i].getOutputStream().write(new byte[10]);
                streaming[i].getOutputStream().flush();
            }
            awaitFiles(origin.data().uploads(), streaming.length);

            HttpResponse<String> refused = origin.upload("", "video/mp4", new byte[1000]);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("busy");
        } finally {
            for (Socket socket : streaming) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter(origin.scrapeMetrics(), "streamcdn_uploads_total{outcome=\"aborted\"") < abortedBefore + streaming.length) {
            assertThat(System.nanoTime()).as("the aborts are noticed").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void overLimitUploadWithItsBodyIsAnsweredAndTheConnectionClosed() throws Exception {
        byte[] body = new byte[(int) (2 * LIMIT)];

        HttpResponse<String> response = origin.upload("", "video/mp4", body);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(response.body()).getString("reason")).contains("1.0 MiB");
    }

    @Test
    void chunkedUploadCrossingTheLimitIsStoppedAndItsPartialFileDeleted() throws Exception {
        try (Socket socket = connect()) {
            write(socket, "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> sendChunks(socket, 2 * LIMIT));
            String response = readResponse(socket.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 413").contains("too_large");
            assertThat(readToEnd(socket.getInputStream())).as("the server closes the connection").isEqualTo(-1);
            sender.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientDisconnectMidUploadDeletesThePartialFile() throws Exception {
        try (Socket socket = connect()) {
            write(socket, "POST /api/videos HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\nContent-Length: "
                    + (LIMIT - 1) + "\r\n\r\n");
            socket.getOutputStream().write(new byte[100_000]);
            socket.getOutputStream().flush();
            awaitPartialFile();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter(origin.scrapeMetrics(), "streamcdn_uploads_total{outcome=\"aborted\"") == 0) {
            assertThat(System.nanoTime()).as("the abort is noticed").isLessThan(deadline);
            Thread.sleep(20);
        }
        // The partial file is deleted on a worker thread after the abort is counted: wait for it (bounded), then
        // leavesNothingBehindAndKeepsServing() checks that it is gone.
        while (true) {
            try (var uploads = Files.list(origin.data().uploads())) {
                if (uploads.findAny().isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void badIdIsRefusedAndUnknownIdIsNotFound() throws Exception {
        assertThat(origin.get("/api/videos/NOT-AN-ID").statusCode()).isEqualTo(400);
        assertThat(origin.delete("/api/videos/abc").statusCode()).isEqualTo(400);
        HttpResponse<String> missing = origin.get("/api/videos/abcdef123456");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("not_found");
        assertThat(origin.delete("/api/videos/abcdef123456").statusCode()).isEqualTo(404);
    }

    @Test
    void uploadMetricsCountBytesAndOutcomesWithoutVideoIds() throws Exception {
        origin.upload("", "video/mp4", "not a video at all".getBytes(StandardCharsets.UTF_8));

        String metrics = origin.scrapeMetrics();
        assertThat(metrics).containsPattern("streamcdn_uploads_total\\{outcome=\"unsupported\".*\\} [1-9]");
        assertThat(metrics).contains("streamcdn_upload_bytes_total");
        assertThat(counter(metrics, "streamcdn_upload_bytes_total")).isGreaterThanOrEqualTo(18);
        assertThat(metrics).contains("streamcdn_uploads_total{outcome=\"accepted\"");
        // Only bounded labels (outcome, file kind, rung, histogram bucket, role, refusal reason), never an id, title
        // or path.
        java.util.regex.Pattern label = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"");
        metrics.lines().filter(l -> l.startsWith("streamcdn_")).forEach(line -> {
            java.util.regex.Matcher m = label.matcher(line);
            while (m.find()) {
                assertThat(m.group(1)).as(line).isIn("outcome", "kind", "rung", "le", "role", "reason");
                assertThat(m.group(2)).as(line).matches("[a-z_]+|\\d+p|[0-9.]+|\\+Inf");
            }
        });
    }

    /** The sum of the samples whose line starts with {@code prefix} (a name, or a name and its first label). */
    private static double counter(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix.contains("{") ? prefix : prefix + "{") || l.startsWith(prefix + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void awaitPartialFile() throws Exception {
        awaitFiles(origin.data().uploads(), 1);
    }

    private static void awaitFiles(Path dir, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (var files = Files.list(dir)) {
                if (files.count() >= count) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("partial files appear while bodies stream").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", origin.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends {@code total} bytes in 64 KiB chunks, then the last chunk; stops quietly if the server hangs up. */
    private static void sendChunks(Socket socket, long total) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = socket.getOutputStream();
            for (long sent = 0; sent < total; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException hungUp) {
            // expected once the server closes
        }
    }

    /** Reads one HTTP response with a Content-Length body; returns head and body as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the response head ended: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = text.lines()
                .filter(l -> l.toLowerCase().startsWith("content-length:"))
                .mapToInt(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim()))
                .findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Reads until the server closes; returns the last read result (-1 on a clean close). */
    private static int readToEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) >= 0) {
                // discard anything after the response
            }
        } catch (java.net.SocketException reset) {
            return -1; // closed with a reset: closed all the same
        }
        return n;
    }
}
