package io.streamcdn.origin.http;

import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.media.MediaException;

import java.util.Optional;

/**
 * The origin's error responses: {@link JsonErrors} with the media pipeline's typed errors mapped to their
 * statuses (unsupported 415, corrupt and over-limit 422, cancelled 409, any other encode failure 500).
 * <pre>{@code
 * OriginErrors.handler().mount(router);   // after every route
 * }</pre>
 */
public final class OriginErrors {

    private OriginErrors() {
    }

    public static JsonErrors handler() {
        return new JsonErrors("origin", OriginErrors::fromDomain,
                "published videos are under /videos/{id}/, the API under /api/videos");
    }

    static Optional<ApiError> fromDomain(Throwable failure) {
        if (!(failure instanceof MediaException e)) {
            return Optional.empty();
        }
        if (e instanceof MediaException.Unsupported) {
            return Optional.of(new ApiError(415, "unsupported_media", e.getMessage()));
        }
        if (e instanceof MediaException.Corrupt) {
            return Optional.of(new ApiError(422, "corrupt_media", e.getMessage()));
        }
        if (e instanceof MediaException.OverLimit) {
            return Optional.of(new ApiError(422, "over_limit", e.getMessage()));
        }
        if (e instanceof MediaException.Cancelled) {
            return Optional.of(new ApiError(409, "cancelled", e.getMessage()));
        }
        return Optional.of(new ApiError(500, "encode_failed", e.getMessage()));
    }
}
