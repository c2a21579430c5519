package io.streamcdn.origin.serve;

import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.security.SignedUrlGate;
import io.streamcdn.common.http.ServeDecision;
import io.streamcdn.origin.serve.ServeMetrics.Outcome;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.NoSuchFileException;

/**
 * {@code GET|HEAD /videos/{id}/{path}}: the published files of a video, from {@code <data>/videos/{id}/}.
 * Modelled on Vert.x's {@code StaticHandlerImpl}, narrowed to what a video origin needs:
 * <ol>
 *   <li>the raw request path is parsed by {@link VideoPath} (400 with a reason when it is not one);</li>
 *   <li>the file is found and its attributes read on a worker thread by {@link VideoFiles}
 *       (404 when missing, or when a symlink leads out of the video);</li>
 *   <li>{@link ServeDecision} picks 200, 206, 304, 412 or 416 from the request's headers;</li>
 *   <li>the body goes out with {@code sendFile} (zero-copy over HTTP/1.1).</li>
 * </ol>
 * There is no props cache: the kernel's dentry cache makes the lookup cheap, and a cache would make a
 * withdrawn video linger. Errors go to the router's failure handler as {@link HttpProblem}s.
 */
public final class VideoFileHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(VideoFileHandler.class);

    private final VideoFiles files;
    private final ServeMetrics metrics;

    public VideoFileHandler(VideoFiles files, ServeMetrics metrics) {
        this.files = files;
        this.metrics = metrics;
    }

    @Override
    public void handle(RoutingContext ctx) {
        // A verified signed request (/s/...) is served as its unsigned path.
        VideoPath.Parsed parsed = VideoPath.fromRequestPath(SignedUrlGate.videoPath(ctx));
        if (parsed instanceof VideoPath.Invalid invalid) {
            metrics.badPath();
            ctx.fail(HttpProblem.badRequest("bad_path", invalid.reason()));
            return;
        }
        VideoPath path = ((VideoPath.Valid) parsed).path();
        ctx.vertx().executeBlocking(() -> files.lookup(path), false)
                .onSuccess(lookup -> respond(ctx, path, lookup))
                .onFailure(ctx::fail);
    }

    private void respond(RoutingContext ctx, VideoPath path, VideoFiles.Lookup lookup) {
        FileKind kind = FileKind.of(path);
        if (lookup instanceof VideoFiles.Missing missing) {
            metrics.served(kind, Outcome.NOT_FOUND);
            ctx.fail(HttpProblem.notFound(missing.reason()));
            return;
        }
        if (lookup instanceof VideoFiles.Escaped escaped) {
            LOG.warn("refused {}: it resolves to {}, outside the video's folder", ctx.request().path(),
                    escaped.realPath());
            metrics.served(kind, Outcome.NOT_FOUND);
            ctx.fail(HttpProblem.notFound("video " + path.videoId() + " has no file " + path.relative()));
            return;
        }
        VideoFiles.Found found = (VideoFiles.Found) lookup;
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        FileVersion version = found.version();
        boolean isGet = request.method() == HttpMethod.GET;
        ServeDecision decision = ServeDecision.decide(ServeDecision.Request.of(request), version.validators());

        if (decision instanceof ServeDecision.PreconditionFailed failed) {
            metrics.served(kind, Outcome.PRECONDITION_FAILED);
            ctx.fail(HttpProblem.preconditionFailed(failed.reason()));
            return;
        }
        if (decision instanceof ServeDecision.RangeNotSatisfiable) {
            metrics.served(kind, Outcome.UNSATISFIABLE);
            ctx.fail(HttpProblem.rangeNotSatisfiable(version.size()));
            return;
        }

        // RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would have.
        response.putHeader(HttpHeaders.ETAG, version.etag().toString())
                .putHeader(HttpHeaders.LAST_MODIFIED, version.lastModified())
                .putHeader(HttpHeaders.CACHE_CONTROL, kind.cacheControl())
                .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (decision instanceof ServeDecision.NotModified) {
            metrics.served(kind, Outcome.NOT_MODIFIED);
            response.setStatusCode(304).end();
            return;
        }

        response.putHeader(HttpHeaders.CONTENT_TYPE, FileKind.contentType(path));
        long offset = 0;
        long length = version.size();
        if (decision instanceof ServeDecision.Partial partial) {
            offset = partial.range().offset();
            length = partial.range().length();
            response.setStatusCode(206).putHeader("Content-Range", partial.range().contentRange(version.size()));
            metrics.served(kind, Outcome.PARTIAL);
        } else {
            metrics.served(kind, Outcome.FULL);
        }
        if (!isGet || length == 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
            return;
        }
        response.sendFile(found.file().toString(), offset, length).onFailure(error -> ctx.fail(
                vanished(error) ? HttpProblem.notFound("video " + path.videoId() + " has no file " + path.relative())
                        : error));
    }

    /** The file went away after the lookup: its video was withdrawn (renamed into trash) meanwhile. */
    private static boolean vanished(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }
}
