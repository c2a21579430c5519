package io.streamcdn.media;

/**
 * Why a source cannot be turned into a ladder, in words a person who uploaded it understands.
 * Each subtype maps to one HTTP status in the origin (see {@code OriginErrors}).
 */
public abstract sealed class MediaException extends Exception
        permits MediaException.Unsupported, MediaException.Corrupt, MediaException.OverLimit, MediaException.Cancelled,
        MediaException.EncodeFailed {

    protected MediaException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** Not a video at all, or no video stream, or a codec we cannot decode: 415. */
    public static final class Unsupported extends MediaException {
        public Unsupported(String reason) {
            super(reason, null);
        }
    }

    /** A video container whose data is truncated or undecodable: 422. */
    public static final class Corrupt extends MediaException {
        public Corrupt(String reason) {
            super(reason, null);
        }

        public Corrupt(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** A real video, but longer or larger than this origin accepts ({@link MediaLimits}): 422. */
    public static final class OverLimit extends MediaException {

        /** Which limit the source passed. */
        public enum Limit {
            DURATION, RESOLUTION
        }

        private final Limit limit;

        public OverLimit(Limit limit, String reason) {
            super(reason, null);
            this.limit = limit;
        }

        public Limit limit() {
            return limit;
        }
    }

    /** The encode was cancelled (video deleted, server shutting down). */
    public static final class Cancelled extends MediaException {
        public Cancelled() {
            super("the encode was cancelled", null);
        }
    }

    /** FFmpeg failed for a reason that is not the source's fault (disk full, out of memory). */
    public static final class EncodeFailed extends MediaException {
        public EncodeFailed(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
