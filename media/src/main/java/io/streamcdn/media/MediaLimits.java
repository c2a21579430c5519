package io.streamcdn.media;

import java.time.Duration;
import java.util.Locale;

/**
 * The largest source the origin agrees to encode: how long it plays and how big its picture is. {@link Probe}
 * checks them as soon as the container's header is read, before any frame is decoded: a 16K picture costs a
 * decoder some 200 MB for its first frame alone, and a day-long upload an encode worker for most of a day.
 *
 * @param maxDuration    the longest playing time accepted
 * @param maxResolution  the largest picture accepted, in either orientation (see {@link Resolution#fitsWithin})
 */
public record MediaLimits(Duration maxDuration, Resolution maxResolution) {

    public static final Duration DEFAULT_MAX_DURATION = Duration.ofHours(4);
    public static final Resolution DEFAULT_MAX_RESOLUTION = new Resolution(4096, 2304);

    public MediaLimits {
        if (maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("the longest duration must be positive, not " + maxDuration);
        }
        if (maxResolution == null) {
            throw new IllegalArgumentException("the largest picture size is required");
        }
    }

    public static MediaLimits defaults() {
        return new MediaLimits(DEFAULT_MAX_DURATION, DEFAULT_MAX_RESOLUTION);
    }

    /** Limits nothing a real file reaches: for tools and tests that probe whatever they are given. */
    public static MediaLimits none() {
        return new MediaLimits(Duration.ofDays(365_000), new Resolution(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    /** Refuses a picture larger than {@link #maxResolution}; sides that are not known yet (0) pass. */
    void checkPicture(int width, int height) throws MediaException.OverLimit {
        if (width <= 0 || height <= 0) {
            return;
        }
        Resolution picture = new Resolution(width, height);
        if (!picture.fitsWithin(maxResolution)) {
            throw new MediaException.OverLimit(MediaException.OverLimit.Limit.RESOLUTION, String.format(Locale.ROOT,
                    "the picture is %s (%.1f megapixels); the largest accepted is %s (%.1f megapixels, either way up)",
                    picture, picture.pixels() / 1e6, maxResolution, maxResolution.pixels() / 1e6));
        }
    }

    /** Refuses a playing time longer than {@link #maxDuration}; an unknown one (NaN, 0) passes. */
    void checkDuration(double seconds) throws MediaException.OverLimit {
        if (seconds > maxDuration.toMillis() / 1000.0) {
            throw new MediaException.OverLimit(MediaException.OverLimit.Limit.DURATION, String.format(Locale.ROOT,
                    "the video lasts %s; the longest accepted is %s", clock(seconds), clock(maxDuration.toSeconds())));
        }
    }

    /** {@code 4:01:00}, {@code 0:00:10}: how a person reads a playing time. */
    static String clock(double seconds) {
        long whole = (long) Math.floor(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
    }
}
