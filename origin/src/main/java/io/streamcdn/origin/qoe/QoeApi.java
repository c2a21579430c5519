package io.streamcdn.origin.qoe;

import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.http.JsonErrors;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * {@code POST /api/qoe}: players' QoE beacons in, {@link QoeMetrics} out. Viewers send them, so no admin token.
 * <pre>
 *   POST     /api/qoe   a beacon ({@link QoeBeacon}): 204, or 400 {"error", "reason"}
 *   OPTIONS  /api/qoe   CORS preflight
 * </pre>
 * The body is read into memory with its size checked as it arrives (a declared {@code Content-Length} over
 * {@link QoeBeacon#MAX_BODY_BYTES} is refused before a byte is read); at 16 KiB at most, parsing it on the event
 * loop costs less than handing it to a worker would. A beacon is checked whole before anything is counted, so a
 * refused one leaves no trace in the metrics but {@code streamcdn_qoe_beacons_total{outcome="rejected"}} and one
 * log line (without the body).
 *
 * <p><b>CORS with credentials.</b> Players send beacons with {@code navigator.sendBeacon}, which always sends
 * credentials; a cross-origin {@code application/json} beacon is therefore preflighted in credentials mode, where
 * browsers refuse {@code Access-Control-Allow-Origin: *}. So this route answers an allowed page's own origin and
 * {@code Access-Control-Allow-Credentials: true}. That exposes nothing: the answer is an empty 204 or a reason,
 * and the origin sets no cookies. {@code text/plain} bodies (a beacon that avoids the preflight) are accepted too.
 */
public final class QoeApi {

    private static final Logger LOG = LoggerFactory.getLogger(QoeApi.class);
    public static final String PATH = "/api/qoe";
    static final String METHODS = "POST, OPTIONS";
    /** After refusing a body mid-stream, how long the rest may drain unread before the connection is closed. */
    private static final long LINGER_MILLIS = 2_000;

    private final QoeMetrics metrics;
    private final CorsPolicy cors;

    public QoeApi(QoeMetrics metrics, CorsPolicy cors) {
        this.metrics = metrics;
        this.cors = cors;
    }

    /** Adds the routes. No body handler may run before them: this handler reads the body itself, capped. */
    public Router mount(Router router) {
        router.post(PATH).setName(PATH).handler(this::receive);
        router.options(PATH).setName(PATH).handler(this::preflight);
        router.route(PATH).setName(PATH).handler(ctx -> {
            allowOrigin(ctx.request(), ctx.response());
            ctx.fail(HttpProblem.methodNotAllowed(ctx.request().method().name(), METHODS));
        });
        return router;
    }

    private void receive(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        allowOrigin(request, ctx.response());
        String type = mediaType(request.getHeader(HttpHeaders.CONTENT_TYPE));
        if (type != null && !type.equals("application/json") && !type.equals("text/plain")) {
            refuse(ctx, new QoeBeacon.Refused("unsupported_content_type",
                    "send the beacon as application/json (text/plain is accepted too)"));
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && declaredTooLarge(length.strip())) {
            refuse(ctx, QoeBeacon.tooLarge());
            return;
        }
        if (request.isEnded()) {
            accept(ctx, Buffer.buffer());
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return; // draining what is left, unread
            }
            if (body.length() + chunk.length() > QoeBeacon.MAX_BODY_BYTES) {
                refused[0] = true;
                refuse(ctx, QoeBeacon.tooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(ended -> {
            if (!refused[0]) {
                accept(ctx, body);
            }
        });
        request.exceptionHandler(error -> refused[0] = true); // the client went away: nobody to answer, nothing counted
        request.resume();
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length) > QoeBeacon.MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return true; // not a number: Vert.x would not have parsed such a request; refuse it all the same
        }
    }

    private void accept(RoutingContext ctx, Buffer body) {
        QoeBeacon beacon;
        try {
            beacon = QoeBeacon.parse(body);
        } catch (QoeBeacon.Refused refused) {
            refuse(ctx, refused);
            return;
        }
        metrics.record(beacon);
        ctx.response().setStatusCode(204).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }

    /**
     * Answers 400 and counts the refusal. A body still arriving (refused on its declared or counted size, or on its
     * type) is drained unread for at most {@link #LINGER_MILLIS}, then the connection is closed: closing with
     * unread input would make the kernel reset it, which can destroy the answer before the client reads it.
     */
    private void refuse(RoutingContext ctx, QoeBeacon.Refused refused) {
        metrics.rejected();
        HttpServerRequest request = ctx.request();
        LOG.info("qoe beacon from {} refused ({}): {}", request.remoteAddress(), refused.error(), refused.reason());
        boolean close = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        if (close) {
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        JsonErrors.send(request.response(), 400, refused.error(), refused.reason()).onComplete(sent -> {
            if (close) {
                closeAfterDrain(ctx, request);
            }
        });
    }

    private static void closeAfterDrain(RoutingContext ctx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> connection.close());
        try {
            request.handler(ignored -> { });
            request.endHandler(ended -> {
                ctx.vertx().cancelTimer(timer);
                connection.close();
            });
            request.resume();
        } catch (IllegalStateException endedMeanwhile) {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        }
    }

    private void preflight(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        response.putHeader(HttpHeaders.ALLOW, METHODS);
        if (allowOrigin(request, response) && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, METHODS)
                    .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
                    .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, "86400");
        }
        response.setStatusCode(204).end();
    }

    /** The credentialed CORS headers (see the class comment) when the page's origin may post; true if it may. */
    private boolean allowOrigin(HttpServerRequest request, HttpServerResponse response) {
        response.headers().add(HttpHeaders.VARY, "Origin");
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null || cors.allowOrigin(origin) == null) {
            return false;
        }
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        return true;
    }

    /** {@code application/json; charset=utf-8} → {@code application/json}; null when absent. */
    private static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
