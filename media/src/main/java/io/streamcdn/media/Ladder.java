package io.streamcdn.media;

import java.util.List;

/**
 * A finished, packaged encode: everything the manifest writers need, with real segment timing and sizes.
 * Files live in one folder per video; {@link PackageLayout} names them.
 *
 * @param durationSeconds presentation duration (both tracks start at 0)
 * @param segmentSeconds  the target segment duration
 * @param video           video tracks, highest rung first
 * @param audio           the audio track, or null for a silent source
 */
public record Ladder(double durationSeconds, double segmentSeconds, List<Track> video, Track audio) {

    public Ladder {
        video = List.copyOf(video);
    }

    public enum Kind { VIDEO, AUDIO }

    /**
     * One representation: an init segment and numbered media segments in the folder named {@code id}.
     *
     * @param codecs         RFC 6381 codecs string, e.g. {@code avc1.64001f} or {@code mp4a.40.2}
     * @param peakBandwidth  highest bitrate over any one segment, bits/s (MPD @bandwidth, HLS BANDWIDTH)
     * @param averageBandwidth mean bitrate over the whole track, bits/s
     * @param timescale      units per second of segment start/duration
     */
    public record Track(String id, Kind kind, String codecs, long peakBandwidth, long averageBandwidth,
                        int width, int height, Rational frameRate, int sampleRate, int channels,
                        int timescale, List<Segment> segments) {

        public Track {
            segments = List.copyOf(segments);
        }
    }

    /** A media segment: number (from 1), start and duration in the track's timescale, and its size in bytes. */
    public record Segment(int number, long start, long duration, long bytes) {
    }
}
