package io.streamcdn.origin.api;

/**
 * How much the origin takes in: the largest body in bytes, how many bodies may stream in at once (each holds
 * a disk writer and a slice of the disk's bandwidth; more get 503 and {@code Retry-After}), and how many of
 * them one client address may send (more get 429 and {@code Retry-After}).
 */
public record UploadLimits(long maxBytes, int maxConcurrent, int maxPerClient) {

    public static final long DEFAULT_MAX_BYTES = 4L << 30;
    public static final int DEFAULT_MAX_CONCURRENT = 4;
    public static final int DEFAULT_MAX_PER_CLIENT = 2;

    public UploadLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the upload limit must be at least 1 byte, not " + maxBytes);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("concurrent uploads must be at least 1, not " + maxConcurrent);
        }
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("uploads per client must be at least 1, not " + maxPerClient);
        }
    }

    public static UploadLimits of(long maxBytes) {
        return new UploadLimits(maxBytes, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_PER_CLIENT);
    }
}
