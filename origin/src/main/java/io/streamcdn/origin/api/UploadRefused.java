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
        return failed("the upload could not be examined: " + e.getMessage());
    }

    static UploadRefused wrongContentType(String contentType) {
        return new UploadRefused(UploadOutcome.INVALID, 415, "unsupported_content_type",
                "Content-Type '" + contentType + "' is not accepted; send the file as the raw body with Content-Type "
                        + "video/* or application/octet-stream, or as multipart/form-data with the field 'file'");
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

    static UploadRefused failed(String reason) {
        return new UploadRefused(UploadOutcome.FAILED, 500, "upload_failed", reason);
    }
}
