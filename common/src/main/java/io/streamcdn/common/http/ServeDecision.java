package io.streamcdn.common.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * What to answer for a GET or HEAD of an existing representation (a file on the origin, a cached copy on
 * an edge), decided from the request's conditional and range headers and its {@link Validators} alone: a pure function, tested without a server. The order is
 * RFC 9110 §13.2.2:
 * <ol>
 *   <li>If-Match (strong comparison), else If-Unmodified-Since: 412 when they fail;</li>
 *   <li>If-None-Match (weak comparison), else If-Modified-Since: 304 when the client's copy is current;</li>
 *   <li>Range, for GET only (range handling is defined for GET alone, so HEAD answers like a full GET),
 *       and only when If-Range, if present, still names this version: 206 or 416;</li>
 *   <li>otherwise 200 with the whole file.</li>
 * </ol>
 * A header whose value cannot be parsed (a bad date) is ignored, as RFC 9110 asks.
 */
public sealed interface ServeDecision {

    /** 200: the whole file (headers only, for HEAD). */
    record Full() implements ServeDecision {
    }

    /** 206: one range of it. */
    record Partial(ByteRange range) implements ServeDecision {
    }

    /** 304: the client's copy is current. */
    record NotModified() implements ServeDecision {
    }

    /** 412: If-Match or If-Unmodified-Since failed. */
    record PreconditionFailed(String reason) implements ServeDecision {
    }

    /** 416: the range starts beyond the end of the file. */
    record RangeNotSatisfiable() implements ServeDecision {
    }

    /** The request headers that matter, raw (null when absent). */
    record Request(boolean isGet, String ifMatch, String ifNoneMatch, String ifModifiedSince,
                   String ifUnmodifiedSince, String range, String ifRange) {

        /** A plain GET with no conditions. */
        public static Request get() {
            return new Request(true, null, null, null, null, null, null);
        }

        /** The conditional and range headers of a GET or HEAD. */
        public static Request of(HttpServerRequest request) {
            return new Request(request.method() == HttpMethod.GET, request.getHeader(HttpHeaders.IF_MATCH),
                    request.getHeader(HttpHeaders.IF_NONE_MATCH), request.getHeader(HttpHeaders.IF_MODIFIED_SINCE),
                    request.getHeader("If-Unmodified-Since"), request.getHeader("Range"),
                    request.getHeader("If-Range"));
        }
    }

    public static ServeDecision decide(Request request, Validators file) {
        if (request.ifMatch() != null) {
            EntityTag.Condition condition = EntityTag.Condition.parse(request.ifMatch());
            if (!condition.any() && file.etag().map(tag -> !condition.matchesStrongly(tag)).orElse(true)) {
                return new PreconditionFailed("If-Match does not name the current version, "
                        + file.etag().map(EntityTag::toString).orElse("which has no ETag"));
            }
        } else if (request.ifUnmodifiedSince() != null) {
            Optional<Long> since = HttpDate.parseEpochSeconds(request.ifUnmodifiedSince());
            if (since.isPresent() && file.lastModifiedSeconds().isPresent()
                    && file.lastModifiedSeconds().getAsLong() > since.get()) {
                return new PreconditionFailed("the file was modified after If-Unmodified-Since, at "
                        + HttpDate.format(file.lastModifiedSeconds().getAsLong() * 1000));
            }
        }

        if (request.ifNoneMatch() != null) {
            EntityTag.Condition condition = EntityTag.Condition.parse(request.ifNoneMatch());
            if (condition.any() || file.etag().map(condition::matchesWeakly).orElse(false)) {
                return new NotModified();
            }
        } else if (request.ifModifiedSince() != null) {
            Optional<Long> since = HttpDate.parseEpochSeconds(request.ifModifiedSince());
            if (since.isPresent() && file.lastModifiedSeconds().isPresent()
                    && file.lastModifiedSeconds().getAsLong() <= since.get()) {
                return new NotModified();
            }
        }

        if (!request.isGet() || request.range() == null || !ifRangeHolds(request.ifRange(), file)) {
            return new Full();
        }
        RangeHeader.Parsed range = RangeHeader.parse(request.range());
        if (range instanceof RangeHeader.Single single) {
            return single.spec().resolve(file.size())
                    .<ServeDecision>map(Partial::new)
                    .orElseGet(RangeNotSatisfiable::new);
        }
        return new Full(); // malformed or several ranges: see RangeHeader
    }

    /**
     * If-Range holds when it names this exact version: a strong ETag equal to ours, or an HTTP date equal
     * to our Last-Modified. A weak ETag or unreadable value never holds, so the client gets the whole file
     * rather than a piece of a different one.
     */
    private static boolean ifRangeHolds(String ifRange, Validators file) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return EntityTag.parse(value).flatMap(tag -> file.etag().map(tag::strongMatch)).orElse(false);
        }
        return HttpDate.parseEpochSeconds(value)
                .map(date -> file.lastModifiedSeconds().isPresent() && date == file.lastModifiedSeconds().getAsLong())
                .orElse(false);
    }
}
