package io.streamcdn.common.http;

import io.vertx.core.json.JsonObject;

/**
 * What a role answers when it cannot do what was asked: an HTTP status and the JSON body
 * {@code {"error": "<code>", "reason": "<what went wrong and what to do>"}}. {@code error} is a stable,
 * machine-readable code ({@code bad_path}, {@code not_found}); {@code reason} is for a person.
 */
public record ApiError(int status, String error, String reason) {

    public ApiError {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + status);
        }
        if (error == null || error.isBlank()) {
            throw new IllegalArgumentException("an error needs a code");
        }
        reason = reason == null ? "" : reason;
    }

    public JsonObject toJson() {
        return new JsonObject().put("error", error).put("reason", reason);
    }
}
