package io.streamcdn.bench;

/**
 * When a simulated player asks for its next segment. Like a real player it fills its buffer as fast as the
 * network allows until it holds {@code targetBufferSeconds}, then asks for one segment each time playback has
 * consumed one. Playback starts once the first segment is in, and stalls (the clock stops) when the buffer runs
 * dry, so a slow server shows up as stalls rather than as a player that keeps asking ahead of its buffer.
 */
final class PlaybackPace {

    private final double segmentSeconds;
    private final double targetBufferSeconds;
    private double bufferedSeconds;
    private long playingSinceNanos = -1;
    private double stalledSeconds;
    private int stalls;

    PlaybackPace(double segmentSeconds, double targetBufferSeconds) {
        if (segmentSeconds <= 0 || targetBufferSeconds < segmentSeconds) {
            throw new IllegalArgumentException("segment " + segmentSeconds + " s, buffer target " + targetBufferSeconds + " s");
        }
        this.segmentSeconds = segmentSeconds;
        this.targetBufferSeconds = targetBufferSeconds;
    }

    /** A segment arrived at {@code nowNanos}: the buffer grows by one segment; playback (re)starts. */
    void segmentArrived(long nowNanos) {
        double buffer = bufferAt(nowNanos);
        if (playingSinceNanos >= 0 && buffer <= 0) {
            // The buffer ran dry before this segment came: the time since it ran dry was a stall.
            double dryAt = playingSinceNanos / 1e9 + bufferedSeconds;
            stalledSeconds += Math.max(0, nowNanos / 1e9 - dryAt);
            stalls++;
        }
        bufferedSeconds = Math.max(0, buffer) + segmentSeconds;
        playingSinceNanos = nowNanos;
    }

    /** Seconds of media in the buffer at {@code nowNanos} (negative once it ran dry). */
    double bufferAt(long nowNanos) {
        if (playingSinceNanos < 0) {
            return 0;
        }
        return bufferedSeconds - (nowNanos - playingSinceNanos) / 1e9;
    }

    /** Nanoseconds from {@code nowNanos} until the next request is due: 0 while the buffer is below target. */
    long delayNanos(long nowNanos) {
        double room = targetBufferSeconds - segmentSeconds - bufferAt(nowNanos);
        return room >= 0 ? 0 : (long) (-room * 1e9);
    }

    int stalls() {
        return stalls;
    }

    double stalledSeconds() {
        return stalledSeconds;
    }
}
