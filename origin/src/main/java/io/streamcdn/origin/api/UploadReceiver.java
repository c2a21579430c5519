package io.streamcdn.origin.api;

import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.origin.jobs.DataDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Streams an upload body to {@code uploads/{id}.part} as it arrives, never holding more than a few chunks
 * in memory: the body is piped into an {@link AsyncFile}, and when the disk falls behind the pipe pauses
 * the request, which stops reading the socket, which slows the client down (TCP flow control).
 *
 * <p>Two shapes are accepted: {@code multipart/form-data} with the file in the field {@code file} and an
 * optional field {@code title} (or the query parameter {@code ?title=}); or, with any other
 * {@code Content-Type} or none, the raw body, titled by {@code ?title=}. Without a title, the multipart file
 * name stands in, else "Untitled". Neither the {@code Content-Type} nor the file name decides what the file
 * is: browsers and tools label videos {@code application/octet-stream}, {@code text/plain} or worse, and a
 * label costs an attacker nothing. The probe decides, on the content.
 *
 * <p>Bodies stream in through {@link UploadSlots}: a few at once in all, fewer from one client address.
 *
 * <p>The size limit is enforced twice: a {@code Content-Length} over the limit is refused before a byte of
 * the body is read (a client that sent {@code Expect: 100-continue} never sends it; this class answers
 * {@code 100 Continue} only to bodies it will take), and a chunked body is counted while it streams and
 * stopped the moment it passes the limit. Whatever goes wrong after the file was opened (too large,
 * empty, client gone, disk error), the partial file is deleted before the returned future fails with an
 * {@link UploadRefused}. The origin's HTTP server must leave {@code handle100ContinueAutomatically} off
 * (the default), and no body handler may run before this one.
 */
public final class UploadReceiver {

    /** The multipart field that carries the file. */
    public static final String FILE_FIELD = "file";
    /** The query parameter (raw body) or multipart field that carries the title. */
    public static final String TITLE_FIELD = "title";

    private final Vertx vertx;
    private final DataDirectory data;
    private final UploadLimits limits;
    private final UploadMetrics metrics;
    private final UploadSlots slots;

    public UploadReceiver(Vertx vertx, DataDirectory data, UploadLimits limits, UploadMetrics metrics) {
        this.vertx = vertx;
        this.data = data;
        this.limits = limits;
        this.metrics = metrics;
        this.slots = new UploadSlots(limits);
    }

    public UploadLimits limits() {
        return limits;
    }

    UploadMetrics metrics() {
        return metrics;
    }

    /**
     * Receives the body of {@code request} into the upload file for {@code id}. Must be called from the
     * request's handler, before the body starts flowing.
     *
     * @return the received file, or a failed future holding an {@link UploadRefused}
     */
    Future<ReceivedUpload> receive(HttpServerRequest request, String id) {
        boolean multipart = "multipart/form-data".equals(mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE)));
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return Future.failedFuture(UploadRefused.badRequest("Content-Length '" + length + "' is not a number"));
            }
            if (declared > limits.maxBytes()) {
                return Future.failedFuture(UploadRefused.tooLarge(limits.maxBytes()));
            }
            if (declared == 0) {
                return Future.failedFuture(UploadRefused.empty());
            }
        }
        if (request.isEnded()) {
            // Only possible if a handler before ours let the body go by unread: nothing is left to store.
            return Future.failedFuture(UploadRefused.empty());
        }
        Runnable slot;
        try {
            slot = slots.take(request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress());
        } catch (UploadRefused refused) {
            return Future.failedFuture(refused);
        }
        Path part = data.upload(id);
        Future<ReceivedUpload> received = multipart ? multipart(request, id, part) : raw(request, id, part);
        continueIfExpected(request);
        return received
                .andThen(ignored -> slot.run())
                .recover(error -> vertx.fileSystem().delete(part.toString())
                        .transform(ignored -> Future.failedFuture(error)));
    }

    private Future<ReceivedUpload> raw(HttpServerRequest request, String id, Path part) {
        request.pause();
        CappedStream body = new CappedStream(request, limits.maxBytes(), metrics::bytesReceived);
        return toFile(body, part)
                .map(bytes -> new ReceivedUpload(id, part, bytes, null, request.getParam(TITLE_FIELD)));
    }

    /**
     * The form is decoded by Vert.x as it streams; the file part is piped to disk like a raw body. The
     * title field may come before or after the file, so the upload completes when both the file is written
     * and the request has ended (form attributes are complete only then).
     */
    private Future<ReceivedUpload> multipart(HttpServerRequest request, String id, Path part) {
        Promise<ReceivedUpload> result = Promise.promise();
        Promise<Long> fileWritten = Promise.promise();
        String[] fileName = new String[1];
        request.setExpectMultipart(true);
        request.uploadHandler(upload -> {
            if (!FILE_FIELD.equals(upload.name()) || fileName[0] != null) {
                result.tryFail(UploadRefused.badRequest("send one file per upload, in the form field '" + FILE_FIELD
                        + "' (got a file in '" + upload.name() + "')"));
                return;
            }
            fileName[0] = upload.filename() == null ? "" : upload.filename();
            upload.pause();
            CappedStream body = new CappedStream(upload, limits.maxBytes(), metrics::bytesReceived);
            toFile(body, part).onComplete(fileWritten);
        });
        fileWritten.future().onFailure(result::tryFail);
        request.end().onComplete(ended -> {
            if (ended.failed()) {
                result.tryFail(formFailure(ended.cause()));
            } else if (fileName[0] == null) {
                result.tryFail(UploadRefused.badRequest("the form has no file; put the video in the field '" + FILE_FIELD + "'"));
            } else {
                String title = request.getFormAttribute(TITLE_FIELD);
                String titled = title != null ? title : request.getParam(TITLE_FIELD);
                fileWritten.future().onSuccess(bytes -> result.tryComplete(new ReceivedUpload(id, part, bytes,
                        fileName[0], titled)));
            }
        });
        // A refusal may come while the file is still being written: delete only once its writer has let go.
        return result.future().recover(error -> fileName[0] == null ? Future.failedFuture(error)
                : fileWritten.future().transform(ignored -> Future.failedFuture(error)));
    }

    /**
     * Why a form could not be read: the client went away, or the form itself is refused while the client
     * waits for an answer (a field over {@link RequestLimits#MAX_FORM_FIELD_BYTES}, a form that does not parse).
     */
    private static UploadRefused formFailure(Throwable cause) {
        if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
            return UploadRefused.aborted("the client went away mid-upload: " + cause.getMessage());
        }
        // Netty's words when a form field outgrows the server's maxFormAttributeSize.
        if (String.valueOf(cause.getMessage()).contains("exceed allowed maximum capacity")) {
            return UploadRefused.formFieldTooLarge(RequestLimits.MAX_FORM_FIELD_BYTES);
        }
        return UploadRefused.badRequest("the multipart form cannot be read: " + cause.getMessage());
    }

    /** Pipes a (paused) body into a new file; completes with the byte count, or fails with an {@link UploadRefused}. */
    private Future<Long> toFile(CappedStream body, Path part) {
        return vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
                .recover(error -> Future.failedFuture(UploadRefused.storing(error, 0)))
                .compose(file -> body.pipeTo(file).transform(piped -> {
                        if (piped.succeeded()) {
                            return body.bytes() == 0 ? Future.<Long>failedFuture(UploadRefused.empty())
                                    : Future.succeededFuture(body.bytes());
                        }
                        // The pipe let go of the body, perhaps paused: let the rest flow, unread, until the
                        // answer is sent and the connection closed.
                        resumeQuietly(body);
                        if (body.tooLarge()) {
                            return Future.failedFuture(UploadRefused.tooLarge(limits.maxBytes()).after(body.bytes()));
                        }
                        if (body.sourceFailed()) {
                            return Future.failedFuture(UploadRefused.aborted("the client went away after "
                                    + body.bytes() + " bytes: " + piped.cause().getMessage()).after(body.bytes()));
                        }
                        return Future.failedFuture(UploadRefused.storing(piped.cause(), body.bytes()));
                    }));
    }

    private static void resumeQuietly(CappedStream body) {
        try {
            body.resume();
        } catch (IllegalStateException alreadyEnded) {
            // nothing left to drain
        }
    }

    private static void continueIfExpected(HttpServerRequest request) {
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT)) && !request.response().headWritten()) {
            request.response().writeContinue();
        }
    }

    /** {@code video/mp4; codecs=...} → {@code video/mp4}; null when absent. */
    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }
}
