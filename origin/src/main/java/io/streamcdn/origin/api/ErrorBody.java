package io.streamcdn.origin.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The API's error answer: {@code {"error": "<code>", "reason": "<what went wrong and what to do>"}}.
 * (To be reconciled with the origin-wide helper in {@code io.streamcdn.origin.http} once both are merged.)
 */
final class ErrorBody {

    private ErrorBody() {
    }

    static Future<Void> send(HttpServerResponse response, int status, String error, String reason) {
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("error", error).put("reason", reason).encode());
    }
}
