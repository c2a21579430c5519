package io.streamcdn.origin.testing;

import io.streamcdn.common.RoleRuntime;
import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.media.Rung;
import io.streamcdn.origin.api.UploadLimits;
import io.streamcdn.origin.api.UploadMetrics;
import io.streamcdn.origin.api.UploadReceiver;
import io.streamcdn.origin.api.VideoApi;
import io.streamcdn.origin.api.VideoLinks;
import io.streamcdn.origin.jobs.Catalog;
import io.streamcdn.origin.jobs.DataDirectory;
import io.streamcdn.origin.jobs.EncodeMetrics;
import io.streamcdn.origin.jobs.EncodeQueue;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

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
 * The video API as the origin mounts it, on a real HTTP server at 127.0.0.1 on a free port, over a real
 * data directory, with the real media pipeline; and a plain HTTP/1.1 client to talk to it. Built the way
 * {@code OriginServer} is meant to build it: a few plain constructors.
 */
public final class TestOrigin implements AutoCloseable {

    /** Small and fast: two rungs, ultrafast x264 (the test machine has two cores). */
    public static final EncoderSettings SETTINGS =
            new EncoderSettings(Rung.parseLadder("360p:800k,240p:400k"), 2.0, "ultrafast", 64, 0);

    private final RoleRuntime runtime;
    private final DataDirectory data;
    private final Catalog catalog;
    private final EncodeQueue queue;
    private final HttpServer server;
    private final HttpClient http;
    private boolean closed;

    private TestOrigin(RoleRuntime runtime, DataDirectory data, Catalog catalog, EncodeQueue queue, HttpServer server) {
        this.runtime = runtime;
        this.data = data;
        this.catalog = catalog;
        this.queue = queue;
        this.server = server;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static TestOrigin start(Path dataDir, long maxUploadBytes) throws IOException {
        RoleRuntime runtime = new RoleRuntime("origin");
        DataDirectory data = DataDirectory.open(dataDir);
        Catalog catalog = Catalog.load(data);
        MediaPipeline pipeline = new MediaPipeline(SETTINGS);
        EncodeQueue queue = new EncodeQueue(catalog, data, pipeline, 1, new EncodeMetrics(runtime.registry()));
        queue.start();
        UploadReceiver uploads = new UploadReceiver(runtime.vertx(), data, UploadLimits.of(maxUploadBytes),
                new UploadMetrics(runtime.registry()));
        Router router = Router.router(runtime.vertx());
        new VideoApi(runtime.vertx(), catalog, queue, uploads, pipeline, VideoLinks.relative()).mount(router);
        HttpServer server = runtime.vertx().createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(router)
                .listen()
                .await();
        return new TestOrigin(runtime, data, catalog, queue, server);
    }

    public int port() {
        return server.actualPort();
    }

    public DataDirectory data() {
        return data;
    }

    public Catalog catalog() {
        return catalog;
    }

    public EncodeQueue queue() {
        return queue;
    }

    public String scrapeMetrics() {
        return runtime.registry().scrape();
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
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.close().await();
        queue.close();
        runtime.close();
    }
}
