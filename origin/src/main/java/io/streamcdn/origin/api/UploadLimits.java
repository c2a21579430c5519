package io.streamcdn.origin.api;

/**
 * How much the origin takes in: the largest body in bytes, and how many bodies may stream in at once
 * (each holds a disk writer and a slice of the disk's bandwidth; more get 503 and {@code Retry-After}).
 */
public record UploadLimits(long maxBytes, int maxConcurrent) {

    public static final long DEFAULT_MAX_BYTES = 4L << 30;
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    public UploadLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the upload limit must be at least 1 byte, not " + maxBytes);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("concurrent uploads must be at least 1, not " + maxConcurrent);
        }
    }

    public static UploadLimits of(long maxBytes) {
        return new UploadLimits(maxBytes, DEFAULT_MAX_CONCURRENT);
    }
}
