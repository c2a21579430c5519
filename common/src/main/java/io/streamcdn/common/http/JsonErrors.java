package io.streamcdn.common.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place where a failure becomes an HTTP status and a JSON body, for any role. {@link #mount}
 * installs it as the router's failure handler and as its error handler for the statuses the router
 * produces by itself (404 when no route matches, 400 for a path it cannot decode, ...):
 * <pre>{@code
 * new JsonErrors("edge", failure -> Optional.empty(), "videos are under /videos/{id}/").mount(router);
 * }</pre>
 * Handlers fail with an {@link HttpProblem}; a role maps its own typed errors with {@code domainErrors};
 * anything else is a bug: 500, logged with its stack trace, and the body says only that it happened.
 */
public final class JsonErrors implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);

    /**
     * Headers a handler may have set for the response it meant to send, which must not leak onto the
     * error: validators and content metadata describe a file, not the error body.
     */
    private static final List<CharSequence> REPRESENTATION_HEADERS = List.of(
            HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH, HttpHeaders.CONTENT_ENCODING, "Content-Range",
            HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED, HttpHeaders.CACHE_CONTROL, HttpHeaders.ACCEPT_RANGES,
            HttpHeaders.CONTENT_DISPOSITION, HttpHeaders.EXPIRES, HttpHeaders.AGE);

    /** Statuses the router answers by itself, without a failing handler. */
    private static final int[] ROUTER_STATUSES = {400, 404, 405, 413, 414, 431, 500, 501};

    private final String role;
    private final Function<Throwable, Optional<ApiError>> domainErrors;
    private final String notFoundHint;

    /**
     * @param role          who answers, for messages ("the origin failed unexpectedly")
     * @param domainErrors  the role's own exception types as errors; empty for anything else
     * @param notFoundHint  what a 404 for an unknown path says exists instead
     */
    public JsonErrors(String role, Function<Throwable, Optional<ApiError>> domainErrors, String notFoundHint) {
        this.role = role;
        this.domainErrors = domainErrors;
        this.notFoundHint = notFoundHint;
    }

    /** Installs this as the failure handler of every route and as the router's own error handler. */
    public Router mount(Router router) {
        router.route().failureHandler(this);
        for (int status : ROUTER_STATUSES) {
            // The router's error handlers are called with a context whose statusCode() is not always set.
            router.errorHandler(status, ctx -> respond(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : status));
        }
        return router;
    }

    @Override
    public void handle(RoutingContext ctx) {
        respond(ctx, ctx.statusCode());
    }

    private void respond(RoutingContext ctx, int statusCode) {
        HttpServerResponse response = ctx.response();
        Throwable failure = ctx.failure();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // Too late for an error status: part of a body is already on the wire. Cut the response so the
            // client sees a broken transfer rather than a short file it might cache.
            LOG.warn("{} {}: failed after the response started: {}", ctx.request().method(), ctx.request().path(),
                    failure == null ? statusCode : failure.toString());
            response.reset();
            return;
        }
        ApiError error = toApiError(failure, statusCode);
        if (error.status() >= 500) {
            if (failure == null) {
                LOG.error("{} {}: failed with status {} and no exception", ctx.request().method(),
                        ctx.request().path(), statusCode);
            } else {
                LOG.error("{} {}: {}", ctx.request().method(), ctx.request().path(), error.reason(), failure);
            }
        }
        send(response, error, failure instanceof HttpProblem problem ? problem.headers() : Map.of());
    }

    /** The status and body for a failure; {@code statusCode} is the router's own code when there is no exception. */
    public ApiError toApiError(Throwable failure, int statusCode) {
        if (failure instanceof HttpProblem problem) {
            return problem.error();
        }
        if (failure != null) {
            Optional<ApiError> domain = domainErrors.apply(failure);
            if (domain.isPresent()) {
                return domain.get();
            }
        }
        if (failure == null && statusCode >= 400 && statusCode <= 599) {
            return forStatus(statusCode);
        }
        return new ApiError(500, "internal_error", "the " + role + " failed unexpectedly; its log has the details");
    }

    /** Statuses the router or the HTTP layer produce without an exception. */
    private ApiError forStatus(int status) {
        return switch (status) {
            case 400 -> new ApiError(400, "bad_request", "the request could not be understood");
            case 404 -> new ApiError(404, "not_found", "nothing here; " + notFoundHint);
            case 405 -> new ApiError(405, "method_not_allowed", "this resource does not accept that method");
            case 413 -> new ApiError(413, "too_large", "the request body is larger than this " + role + " accepts");
            case 414 -> new ApiError(414, "uri_too_long", "the request URI is longer than this " + role + " accepts");
            case 431 -> new ApiError(431, "headers_too_large",
                    "the request headers are larger than this " + role + " accepts");
            case 501 -> new ApiError(501, "not_implemented", "this " + role + " does not implement that method");
            default -> new ApiError(status, status < 500 ? "client_error" : "server_error", "HTTP status " + status);
        };
    }

    /** Writes {@code {"error": error, "reason": reason}} with {@code status}. */
    public static Future<Void> send(HttpServerResponse response, int status, String error, String reason) {
        return send(response, new ApiError(status, error, reason), Map.of());
    }

    /**
     * Writes an error response: the status, {@code extraHeaders}, {@code Cache-Control: no-store} and the JSON
     * body. Headers set earlier for a file (validators, Content-Type) are dropped; CORS headers are kept so a
     * browser page can read the reason.
     */
    public static Future<Void> send(HttpServerResponse response, ApiError error, Map<String, String> extraHeaders) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        REPRESENTATION_HEADERS.forEach(response.headers()::remove);
        extraHeaders.forEach(response::putHeader);
        return response.setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(error.toJson().encode());
    }
}
