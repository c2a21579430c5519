package io.streamcdn.origin.api;

import io.streamcdn.common.http.JsonErrors;

import io.streamcdn.common.ByteSize;
import io.streamcdn.media.MediaException;
import io.streamcdn.media.MediaInfo;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.origin.jobs.Catalog;
import io.streamcdn.origin.jobs.EncodeQueue;
import io.streamcdn.origin.jobs.VideoId;
import io.streamcdn.origin.jobs.VideoRecord;
import io.streamcdn.origin.jobs.VideoState;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * The origin's video API:
 * <pre>
 *   POST   /api/videos        upload (raw body or multipart), 202 + Location + the video
 *   GET    /api/videos        every video, newest first: {"videos": [...]}
 *   GET    /api/videos/{id}   one video, with its links once ready
 *   DELETE /api/videos/{id}   cancel its encode if any, delete it everywhere: 204
 * </pre>
 * Handlers only translate: bodies are streamed by {@link UploadReceiver}, the probe and every disk write
 * run on worker threads ({@code executeBlocking}), encodes on the {@link EncodeQueue}'s own threads.
 * Errors are {@code {"error", "reason"}} bodies; a refused upload whose body is still arriving is answered
 * at once and its connection closed (see {@link #refuse}).
 */
public final class VideoApi {

    private static final Logger LOG = LoggerFactory.getLogger(VideoApi.class);
    /**
     * After refusing a body mid-stream, how long the rest may drain (unread) before the connection is
     * closed. Closing a socket with unread input makes the kernel send a reset, which can destroy the
     * answer before the client reads it; a short drain lets ordinary clients see their 413.
     */
    private static final long LINGER_MILLIS = 2_000;
    private static final String RETRY_AFTER_SECONDS = "5";

    private final Vertx vertx;
    private final Catalog catalog;
    private final EncodeQueue queue;
    private final UploadReceiver uploads;
    private final MediaPipeline pipeline;
    private final VideoLinks links;
    private final VideoId ids = new VideoId(new SecureRandom());

    public VideoApi(Vertx vertx, Catalog catalog, EncodeQueue queue, UploadReceiver uploads, MediaPipeline pipeline,
                    VideoLinks links) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.queue = queue;
        this.uploads = uploads;
        this.pipeline = pipeline;
        this.links = links;
    }

    /**
     * Adds the API's routes, the writes behind {@code writeGuard} (the admin token check). No body handler may
     * run before them: uploads are streamed, not buffered, and a refused upload is refused before its body.
     */
    public Router mount(Router router, Handler<RoutingContext> writeGuard) {
        router.post("/api/videos").handler(writeGuard).handler(this::upload);
        router.get("/api/videos").handler(this::list);
        router.get("/api/videos/:id").handler(this::get);
        router.delete("/api/videos/:id").handler(writeGuard).handler(this::delete);
        return router;
    }

    private void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String id = newId();
        long startNanos = System.nanoTime();
        uploads.receive(request, id)
                .compose(received -> vertx.executeBlocking(() -> admit(received), false))
                .onSuccess(admitted -> {
                    uploads.metrics().ended(UploadOutcome.ACCEPTED);
                    LOG.info(String.format(Locale.ROOT, "upload %s from %s: accepted, %s in %.1f s, \"%s\"", id,
                            request.remoteAddress(), ByteSize.format(admitted.bytes()), seconds(startNanos),
                            admitted.record().title()));
                    ctx.response()
                            .setStatusCode(202)
                            .putHeader(HttpHeaders.LOCATION, VideoLinks.api(id));
                    sendJson(ctx.response(), view(admitted.record()));
                })
                .onFailure(error -> {
                    UploadRefused refused = error instanceof UploadRefused r ? r
                            : UploadRefused.failed("the upload could not be stored: " + error.getMessage());
                    if (!(error instanceof UploadRefused)) {
                        LOG.error("upload {}: unexpected failure", id, error);
                    }
                    uploads.metrics().ended(refused.outcome());
                    LOG.info(String.format(Locale.ROOT, "upload %s from %s: %s after %s in %.1f s: %s", id,
                            request.remoteAddress(), refused.outcome().tag(), ByteSize.format(refused.bytes()),
                            seconds(startNanos), refused.reason()));
                    refuse(request, refused);
                });
    }

    private record Admitted(VideoRecord record, long bytes) {
    }

    /** Worker thread: probes the received file; hands it to the queue if it is a video we can encode. */
    private Admitted admit(ReceivedUpload upload) throws IOException {
        MediaInfo info;
        try {
            info = pipeline.probe(upload.file());
        } catch (MediaException e) {
            Files.deleteIfExists(upload.file());
            throw UploadRefused.from(e).after(upload.bytes());
        } catch (RuntimeException e) {
            Files.deleteIfExists(upload.file());
            throw e;
        }
        try {
            String title = VideoTitle.choose(upload.title(), upload.fileName());
            return new Admitted(queue.submit(upload.id(), title, upload.file(), info), upload.bytes());
        } catch (IOException e) {
            Files.deleteIfExists(upload.file());
            throw UploadRefused.failed("the upload could not be stored: " + e.getMessage()).after(upload.bytes());
        }
    }

    /**
     * Answers a refused upload. An upload refused for its size gets {@code Connection: close}: if its body is
     * still coming (refused on its Content-Length, or stopped at the limit) the rest drains unread for at
     * most {@link #LINGER_MILLIS} and the connection is closed, so the client learns at once and cannot keep
     * the connection busy by streaming on. Other refusals come after the whole body was read, and the
     * connection stays open for the next request.
     */
    private void refuse(HttpServerRequest request, UploadRefused refused) {
        HttpServerResponse response = request.response();
        if (refused.outcome() == UploadOutcome.ABORTED) {
            return; // nobody is listening
        }
        boolean close = refused.outcome() == UploadOutcome.TOO_LARGE || !request.isEnded();
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (refused.outcome() == UploadOutcome.BUSY) {
            response.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        JsonErrors.send(response, refused.status(), refused.error(), refused.reason())
                .onComplete(sent -> {
                    if (close) {
                        closeAfterDrain(request);
                    }
                });
    }

    private void closeAfterDrain(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = vertx.setTimer(LINGER_MILLIS, t -> connection.close());
        try {
            request.handler(null);
            request.endHandler(ended -> {
                vertx.cancelTimer(timer);
                connection.close();
            });
            request.resume();
        } catch (IllegalStateException endedMeanwhile) {
            vertx.cancelTimer(timer);
            connection.close();
        }
    }

    private void list(RoutingContext ctx) {
        JsonArray videos = new JsonArray();
        catalog.list().forEach(record -> videos.add(view(record)));
        sendJson(ctx.response(), new JsonObject().put("videos", videos));
    }

    private void get(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!validId(ctx, id)) {
            return;
        }
        catalog.get(id).ifPresentOrElse(
                record -> sendJson(ctx.response(), view(record)),
                () -> notFound(ctx, id));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!validId(ctx, id)) {
            return;
        }
        if (!catalog.contains(id)) {
            notFound(ctx, id);
            return;
        }
        vertx.executeBlocking(() -> queue.delete(id), false)
                .onSuccess(deleted -> {
                    if (deleted) {
                        ctx.response().setStatusCode(204).end();
                    } else {
                        notFound(ctx, id);
                    }
                })
                .onFailure(error -> {
                    LOG.error("video {}: delete failed", id, error);
                    JsonErrors.send(ctx.response(), 500, "delete_failed", "the video could not be deleted: "
                            + error.getMessage() + "; try again");
                });
    }

    private boolean validId(RoutingContext ctx, String id) {
        if (VideoId.isValid(id)) {
            return true;
        }
        JsonErrors.send(ctx.response(), 400, "bad_id", "'" + id + "' is not a video id; ids are 6 to 32 characters of a-z and 0-9");
        return false;
    }

    private static void notFound(RoutingContext ctx, String id) {
        JsonErrors.send(ctx.response(), 404, "not_found", "there is no video " + id);
    }

    /** The record as the API shows it: with its links once the ladder is published. */
    JsonObject view(VideoRecord record) {
        JsonObject json = record.toJson();
        if (record.state() == VideoState.READY) {
            java.util.Map<String, String> urls = links.all(record.id()); // one signature for the three
            json.put("urls", new JsonObject()
                    .put("mpd", urls.get("mpd"))
                    .put("hls", urls.get("hls"))
                    .put("poster", urls.get("poster")));
        }
        return json;
    }

    private static void sendJson(HttpServerResponse response, JsonObject body) {
        if (response.closed()) {
            return; // the client left while we worked; what it asked for happened all the same
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encode());
    }

    private String newId() {
        String id = ids.next();
        while (catalog.contains(id)) {
            id = ids.next();
        }
        return id;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
