package io.streamcdn.origin.api;

import io.streamcdn.common.ByteSize;
import io.streamcdn.media.MediaException;

/**
 * Why an upload was not accepted, with the HTTP status and error code it is answered with. Every refusal
 * is built by one of the factories below: they are the one place where a reason becomes a status.
 */
public final class UploadRefused extends RuntimeException {

    private final UploadOutcome outcome;
    private final int status;
    private final String error;
    private final long bytes;

    private UploadRefused(UploadOutcome outcome, int status, String error, String reason, long bytes) {
        super(reason, null, false, false);
        this.outcome = outcome;
        this.status = status;
        this.error = error;
        this.bytes = bytes;
    }

    private UploadRefused(UploadOutcome outcome, int status, String error, String reason) {
        this(outcome, status, error, reason, 0);
    }

    /** The same refusal, noting how many body bytes had arrived (for the log). */
    UploadRefused after(long receivedBytes) {
        return new UploadRefused(outcome, status, error, getMessage(), receivedBytes);
    }

    /** Body bytes received before the refusal; 0 when refused on the headers alone. */
    public long bytes() {
        return bytes;
    }

    public UploadOutcome outcome() {
        return outcome;
    }

    public int status() {
        return status;
    }

    /** The machine-readable code of the JSON error body. */
    public String error() {
        return error;
    }

    /** The human-readable reason of the JSON error body. */
    public String reason() {
        return getMessage();
    }

    static UploadRefused tooLarge(long limit) {
        return new UploadRefused(UploadOutcome.TOO_LARGE, 413, "too_large",
                "the upload is larger than this origin's limit of " + ByteSize.format(limit));
    }

    static UploadRefused formFieldTooLarge(int limit) {
        return new UploadRefused(UploadOutcome.TOO_LARGE, 413, "too_large",
                "a form field is larger than the " + limit + " bytes this origin accepts; only the field 'file' may be large");
    }

    static UploadRefused empty() {
        return new UploadRefused(UploadOutcome.EMPTY, 400, "empty_upload",
                "the upload is empty; send the video file as the request body, or as the form field 'file'");
    }

    static UploadRefused unsupported(String reason) {
        return new UploadRefused(UploadOutcome.UNSUPPORTED, 415, "unsupported_media", reason);
    }

    static UploadRefused corrupt(String reason) {
        return new UploadRefused(UploadOutcome.CORRUPT, 422, "corrupt_media", reason);
    }

    /** The probe's verdict. */
    static UploadRefused from(MediaException e) {
        if (e instanceof MediaException.Unsupported) {
            return unsupported(e.getMessage());
        }
        if (e instanceof MediaException.Corrupt) {
            return corrupt(e.getMessage());
        }
        if (e instanceof MediaException.OverLimit over) {
            return overLimit(over);
        }
        return failed("the upload could not be examined: " + e.getMessage());
    }

    /** A video beyond --max-duration or --max-resolution: the reason names the limit and its flag. */
    static UploadRefused overLimit(MediaException.OverLimit e) {
        boolean duration = e.limit() == MediaException.OverLimit.Limit.DURATION;
        return new UploadRefused(UploadOutcome.OVER_LIMIT, 422,
                duration ? "duration_over_limit" : "resolution_over_limit",
                e.getMessage() + " (this origin's " + (duration ? "--max-duration" : "--max-resolution") + ")");
    }

    static UploadRefused badRequest(String reason) {
        return new UploadRefused(UploadOutcome.INVALID, 400, "bad_request", reason);
    }

    /** The client went away; nobody reads the answer, the status is for the access log. */
    static UploadRefused aborted(String reason) {
        return new UploadRefused(UploadOutcome.ABORTED, 400, "aborted", reason);
    }

    static UploadRefused busy(int maxConcurrent) {
        return new UploadRefused(UploadOutcome.BUSY, 503, "busy",
                "this origin is already receiving " + maxConcurrent + " uploads; retry in a moment");
    }

    static UploadRefused clientBusy(String client, int maxPerClient) {
        return new UploadRefused(UploadOutcome.CLIENT_LIMIT, 429, "too_many_uploads",
                "this client (" + client + ") is already sending " + maxPerClient + (maxPerClient == 1 ? " upload" : " uploads")
                        + ", the most one client may send at once (--max-uploads-per-client); retry when one has finished");
    }

    /** The data folder's disk is full (or the file reached the largest size the system allows). */
    static UploadRefused noSpace(long received, String cause) {
        return new UploadRefused(UploadOutcome.NO_SPACE, 507, "insufficient_storage",
                "the origin ran out of disk space after " + ByteSize.format(received) + " of this upload (" + cause
                        + "); nothing of it was kept; retry later, or tell the operator", received);
    }

    /** A failure storing the upload: 507 when the disk is full, else 500. */
    static UploadRefused storing(Throwable error, long received) {
        if (DiskFull.causedBy(error)) {
            return noSpace(received, DiskFull.describe(error));
        }
        return failed("the upload cannot be stored: " + error.getMessage()).after(received);
    }

    static UploadRefused failed(String reason) {
        return new UploadRefused(UploadOutcome.FAILED, 500, "upload_failed", reason);
    }
}
