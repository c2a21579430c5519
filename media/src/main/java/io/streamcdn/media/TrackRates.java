package io.streamcdn.media;

import java.util.List;

/**
 * The two rates a manifest declares for a track, in bits/s: the peak (MPD {@code @bandwidth}, HLS
 * {@code BANDWIDTH}) and the average over the whole track (HLS {@code AVERAGE-BANDWIDTH}).
 *
 * <p>The peak is each segment's rate over at least the longest segment's duration, which is the MPD's
 * {@code minBufferTime}: a player holding that much buffer can fetch any segment in that time at the peak.
 * Measured over its own duration, a two-frame tail segment (its few bytes over 67 ms) would declare the whole
 * rung at twice its real rate, and every ABR that plans with the manifest would pick rungs far below the link.
 */
record TrackRates(long peak, long average) {

    static TrackRates of(List<Ladder.Segment> segments, int timescale) {
        long longest = 0;
        for (Ladder.Segment s : segments) {
            longest = Math.max(longest, s.duration());
        }
        long peak = 0;
        long bytes = 0;
        long units = 0;
        for (Ladder.Segment s : segments) {
            bytes += s.bytes();
            units += s.duration();
            if (longest > 0) {
                peak = Math.max(peak, s.bytes() * 8L * timescale / Math.max(s.duration(), longest));
            }
        }
        long average = units == 0 ? 0 : bytes * 8L * timescale / units;
        return new TrackRates(peak, average);
    }
}
