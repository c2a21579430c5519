package io.streamcdn.common.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How large a request may be before a role refuses it, the same on every role: the request line (method,
 * URL, version) at most {@value #MAX_REQUEST_LINE_BYTES} bytes, the header lines together at most
 * {@value #MAX_HEADER_BYTES} (also the HTTP/2 header list), form fields at most {@value #MAX_FORM_FIELD_BYTES}
 * each, and JSON bodies at most {@value #MAX_JSON_BODY_BYTES}. These are Vert.x's defaults for the first three,
 * set here on purpose: a role's streamcdn URLs and headers are a few hundred bytes, and a limit nobody wrote
 * down is one a library upgrade may change.
 *
 * <p>Vert.x refuses what is too large while it parses the request, before any route runs; {@link #refusals}
 * answers those with the usual JSON error (414 for the request line, 431 for the headers, 400 for anything
 * else that is not HTTP), writes the usual access-log line, and closes the connection: the parser cannot
 * know where the bad request ends, so nothing after it on the connection can be trusted.
 * <pre>{@code
 * HttpServerOptions options = RequestLimits.applyTo(new HttpServerOptions().setPort(8080));
 * vertx.createHttpServer(options).invalidRequestHandler(RequestLimits.refusals("edge")).requestHandler(router);
 * }</pre>
 */
public final class RequestLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLimits.class);

    /** The request line: method, URL (with its query) and version. */
    public static final int MAX_REQUEST_LINE_BYTES = 4096;
    /** All header lines together (HTTP/1.x), and the header list (HTTP/2). */
    public static final int MAX_HEADER_BYTES = 8192;
    /** One field of a multipart or URL-encoded form (the upload's title, say). */
    public static final int MAX_FORM_FIELD_BYTES = 8192;
    /** A JSON request body (heartbeats, beacons): a few hundred bytes in practice. */
    public static final int MAX_JSON_BODY_BYTES = 16 * 1024;

    private RequestLimits() {
    }

    /** Sets the limits on a server's options; returns them. */
    public static HttpServerOptions applyTo(HttpServerOptions options) {
        options.setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                .setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxFormAttributeSize(MAX_FORM_FIELD_BYTES);
        options.getInitialSettings().setMaxHeaderListSize(MAX_HEADER_BYTES);
        return options;
    }

    /** The server's handler for requests Vert.x could not accept as HTTP (too large, malformed). */
    public static Handler<HttpServerRequest> refusals(String role) {
        AccessLog accessLog = new AccessLog();
        return request -> {
            Throwable cause = request.decoderResult().cause();
            ApiError error = errorFor(role, cause);
            LOG.debug("{}: refused a request from {}: {}", role, request.remoteAddress(), String.valueOf(cause));
            accessLog.watch(request);
            request.response()
                    .setStatusCode(error.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(error.toJson().encode())
                    .onComplete(sent -> request.connection().close());
        };
    }

    static ApiError errorFor(String role, Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new ApiError(414, "uri_too_long", "the request line is longer than the " + MAX_REQUEST_LINE_BYTES
                    + " bytes this " + role + " accepts; its URLs are far shorter, check the one requested");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return new ApiError(431, "headers_too_large", "the request headers are larger than the "
                    + MAX_HEADER_BYTES + " bytes this " + role + " accepts; send fewer or shorter headers (cookies?)");
        }
        return new ApiError(400, "bad_request", "the request is not valid HTTP/1.1"
                + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }
}
