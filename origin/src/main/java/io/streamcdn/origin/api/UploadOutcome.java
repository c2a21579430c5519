package io.streamcdn.origin.api;

import java.util.Locale;

/** How an upload ended; the {@code outcome} tag of {@code streamcdn_uploads_total}. */
public enum UploadOutcome {
    /** Probed, stored, queued for encoding: 202. */
    ACCEPTED,
    /** Over the size limit, by its Content-Length or while streaming: 413. */
    TOO_LARGE,
    /** Not a video, or a video we cannot decode: 415. */
    UNSUPPORTED,
    /** A video container that is truncated or damaged: 422. */
    CORRUPT,
    /** The client went away before the body was complete. */
    ABORTED,
    /** No bytes: 400. */
    EMPTY,
    /** A video longer or larger than --max-duration or --max-resolution: 422. */
    OVER_LIMIT,
    /** Malformed request (multipart fields, Content-Length): 400. */
    INVALID,
    /** Too many uploads at once: 503. */
    BUSY,
    /** Too many uploads at once from one client address: 429. */
    CLIENT_LIMIT,
    /** The data folder's disk is full: 507. */
    NO_SPACE,
    /** The origin failed to store it (an I/O error other than a full disk): 500. */
    FAILED;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
