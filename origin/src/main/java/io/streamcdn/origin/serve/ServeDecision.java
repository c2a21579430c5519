package io.streamcdn.origin.serve;

import io.streamcdn.origin.http.HttpDate;

import java.util.Optional;

/**
 * What to answer for a GET or HEAD of an existing file, decided from the request's conditional and
 * range headers and the file's version alone: a pure function, tested without a server. The order is
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
    }

    static ServeDecision decide(Request request, FileVersion file) {
        EntityTag etag = file.etag();
        if (request.ifMatch() != null) {
            if (!EntityTag.Condition.parse(request.ifMatch()).matchesStrongly(etag)) {
                return new PreconditionFailed("If-Match does not name the current version, " + etag);
            }
        } else if (request.ifUnmodifiedSince() != null) {
            Optional<Long> since = HttpDate.parseEpochSeconds(request.ifUnmodifiedSince());
            if (since.isPresent() && file.lastModifiedSeconds() > since.get()) {
                return new PreconditionFailed("the file was modified after If-Unmodified-Since, at "
                        + file.lastModified());
            }
        }

        if (request.ifNoneMatch() != null) {
            if (EntityTag.Condition.parse(request.ifNoneMatch()).matchesWeakly(etag)) {
                return new NotModified();
            }
        } else if (request.ifModifiedSince() != null) {
            Optional<Long> since = HttpDate.parseEpochSeconds(request.ifModifiedSince());
            if (since.isPresent() && file.lastModifiedSeconds() <= since.get()) {
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
    private static boolean ifRangeHolds(String ifRange, FileVersion file) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return EntityTag.parse(value).map(tag -> tag.strongMatch(file.etag())).orElse(false);
        }
        return HttpDate.parseEpochSeconds(value).map(date -> date == file.lastModifiedSeconds()).orElse(false);
    }
}
