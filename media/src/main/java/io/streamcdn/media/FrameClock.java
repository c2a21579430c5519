package io.streamcdn.media;

/**
 * Maps source frames onto the constant-frame-rate output timeline, and places keyframes.
 *
 * <p>Output frame {@code n} is shown at {@code n / fps} seconds. A source frame at time {@code t} (seconds
 * from the presentation origin, where the earliest stream starts) lands on frame {@code round(t * fps)}.
 * Frames that would land on an already-filled slot are dropped (a faster or jittery source); slots left
 * empty before it are filled, with black before the first picture (the test clips' video starts 2.235 s
 * after their audio) and with the previous picture after it, as {@code ffmpeg -fps_mode cfr} does.
 *
 * <p>A segment starts at the first frame whose time is at or after {@code k * segmentSeconds}. At
 * 29.97 fps and 2 s segments that gives 60- and 59-frame segments (never drifting), each within one
 * frame of the target, and since every rung is fed the same frames, keyframes fall on the same
 * timestamps on every rung.
 */
final class FrameClock {

    private final long fpsNum;
    private final long fpsDen;
    private final long segmentMillis;
    private long next;

    FrameClock(Rational fps, double segmentSeconds) {
        this.fpsNum = fps.num();
        this.fpsDen = fps.den();
        this.segmentMillis = Math.round(segmentSeconds * 1000);
    }

    /** The slot a frame at {@code seconds} lands on. */
    long slotOf(double seconds) {
        return Math.round(seconds * fpsNum / fpsDen);
    }

    /**
     * Claims the slots up to the frame at {@code seconds}; returns how many output frames to emit, the
     * last of which is this frame (0 = drop it). The emitted frames are numbered from {@link #next()}
     * before the call.
     */
    int advance(double seconds) {
        long slot = Math.max(0, slotOf(seconds));
        if (slot < next) {
            return 0;
        }
        int count = (int) (slot - next + 1);
        next = slot + 1;
        return count;
    }

    /** The next free output slot: also the number of frames emitted so far. */
    long next() {
        return next;
    }

    /** Segment (from 0) that output frame {@code n} belongs to. */
    long segmentOf(long n) {
        // floor(n * den / num / segment) with exact integers: n * den * 1000 / (num * segmentMillis)
        return n * fpsDen * 1000 / (fpsNum * segmentMillis);
    }

    /** True when frame {@code n} is the first of a segment, so it must be an IDR frame on every rung. */
    boolean startsSegment(long n) {
        return n == 0 || segmentOf(n) != segmentOf(n - 1);
    }

    /** Presentation time of frame {@code n}, in seconds. */
    double secondsOf(long n) {
        return (double) n * fpsDen / fpsNum;
    }
}
