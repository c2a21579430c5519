package io.streamcdn.origin.testing;

import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.Rung;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.origin.jobs.DataDirectory;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real {@link OriginServer} at 127.0.0.1 on a free port, over a real data directory, with the real media
 * pipeline (a small, fast ladder); and a plain HTTP/1.1 client to talk to it.
 */
public final class TestOrigin implements AutoCloseable {

    /** Small and fast: two rungs, ultrafast x264 (the test machine has two cores). */
    public static final EncoderSettings SETTINGS =
            new EncoderSettings(Rung.parseLadder("360p:800k,240p:400k"), 2.0, "ultrafast", 64, 0);

    private final OriginServer server;
    private final DataDirectory data;
    private final HttpClient http;
    private boolean closed;

    private TestOrigin(OriginServer server, DataDirectory data) {
        this.server = server;
        this.data = data;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A real {@link OriginServer} on 127.0.0.1, a free port, over {@code dataDir}. */
    public static TestOrigin start(Path dataDir, long maxUploadBytes) throws Exception {
        return start(dataDir, maxUploadBytes, b -> b);
    }

    /** As {@link #start(Path, long)}, with the configuration {@code customize} adjusts (signing keys, say). */
    public static TestOrigin start(Path dataDir, long maxUploadBytes,
                                   java.util.function.UnaryOperator<OriginConfig.Builder> customize) throws Exception {
        OriginConfig config = customize.apply(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)
                .maxUploadBytes(maxUploadBytes).encodeWorkers(1).encoderSettings(SETTINGS)).build();
        OriginServer server = OriginServer.start(config).toCompletionStage().toCompletableFuture()
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        return new TestOrigin(server, DataDirectory.open(dataDir));
    }

    public int port() {
        return server.port();
    }

    public DataDirectory data() {
        return data;
    }

    /** The Prometheus text the origin serves at /metrics. */
    public String scrapeMetrics() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /** A raw-body upload with a Content-Length. */
    public HttpResponse<String> upload(String query, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri("/api/videos" + query))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A multipart/form-data upload: the file in the field {@code file}, and a {@code title} field when not null. */
    public HttpResponse<String> uploadForm(String fileName, byte[] file, String title) throws IOException, InterruptedException {
        String boundary = "----streamcdn" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        if (title != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: video/mp4\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(uri("/api/videos"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /api/videos/{id}} as JSON; fails unless 200. */
    public JsonObject video(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/videos/" + id);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /api/videos/" + id + " answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body());
    }

    /**
     * Polls {@code GET /api/videos/{id}} every 50 ms until {@code done} holds, handing every answer to
     * {@code eachPoll} (for assertions that must hold all along); fails after {@code timeout}.
     */
    public JsonObject awaitVideo(String id, Predicate<JsonObject> done, Duration timeout, Consumer<JsonObject> eachPoll)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject video = video(id);
            eachPoll.accept(video);
            if (done.test(video)) {
                return video;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("video " + id + " did not get there within " + timeout.toSeconds() + " s; last: "
                        + video.encodePrettily());
            }
            Thread.sleep(50);
        }
    }

    public static boolean inState(JsonObject video, String state) {
        return state.equals(video.getString("state"));
    }

    /** Stops like a deployment would: the server, then the queue (running encodes go back to queued), then Vert.x. */
    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        server.close().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
}
