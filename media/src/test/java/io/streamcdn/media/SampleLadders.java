package io.streamcdn.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Ladders as the encoder produces them, built by hand: NTSC-rate video at timescale 30000 cut at keyframes
 * into 60-frame (2.002 s) segments with a shorter last one, and AAC at 48 kHz whose segments hold whole
 * 1024-sample frames, ending as close to the video boundaries as frames allow (hence 94, 94, 94, 93, ...).
 */
final class SampleLadders {

    static final Rational NTSC = new Rational(30000, 1001);
    static final int VIDEO_TIMESCALE = 30000;
    static final int FRAME_TICKS = 1001;
    static final int AUDIO_TIMESCALE = 48000;
    static final int AAC_FRAME = 1024;

    static final int[] VIDEO_FRAMES = {60, 60, 60, 60, 59};
    static final int[] AUDIO_FRAMES = {94, 94, 94, 93, 92};

    private SampleLadders() {
    }

    /** 1080p, 720p and 480p with stereo audio: the normal case. */
    static Ladder withAudio() {
        return ladder(List.of(
                video("1080p", 1920, 1080, "avc1.640028", 6_912_000, 4_870_000, VIDEO_FRAMES),
                video("720p", 1280, 720, "avc1.64001f", 4_150_000, 2_940_000, VIDEO_FRAMES),
                video("480p", 854, 480, "avc1.64001e", 1_960_000, 1_390_000, VIDEO_FRAMES)),
                audio(AUDIO_FRAMES));
    }

    /** The same video with no audio track. */
    static Ladder silent() {
        return ladder(withAudio().video(), null);
    }

    /** 480p was cut at different frames than the other rungs, so its timeline differs. */
    static Ladder withUnalignedRung() {
        List<Ladder.Track> video = new ArrayList<>(withAudio().video());
        video.set(2, video("480p", 854, 480, "avc1.64001e", 1_960_000, 1_390_000, 60, 61, 59, 60, 59));
        return ladder(video, audio(AUDIO_FRAMES));
    }

    static Ladder ladder(List<Ladder.Track> video, Ladder.Track audio) {
        double duration = video.stream().mapToDouble(SampleLadders::seconds).max().orElse(0);
        if (audio != null) {
            duration = Math.max(duration, seconds(audio));
        }
        return new Ladder(duration, 2.0, video, audio);
    }

    static Ladder.Track video(String id, int width, int height, String codecs, long peak, long average,
                              int... framesPerSegment) {
        long[] durations = new long[framesPerSegment.length];
        for (int i = 0; i < durations.length; i++) {
            durations[i] = (long) framesPerSegment[i] * FRAME_TICKS;
        }
        return new Ladder.Track(id, Ladder.Kind.VIDEO, codecs, peak, average, width, height, NTSC, 0, 0,
                VIDEO_TIMESCALE, segments(durations, VIDEO_TIMESCALE, average));
    }

    static Ladder.Track audio(int... aacFramesPerSegment) {
        long[] durations = new long[aacFramesPerSegment.length];
        for (int i = 0; i < durations.length; i++) {
            durations[i] = (long) aacFramesPerSegment[i] * AAC_FRAME;
        }
        return new Ladder.Track(PackageLayout.AUDIO_ID, Ladder.Kind.AUDIO, "mp4a.40.2", 131_000, 128_000, 0, 0,
                null, AUDIO_TIMESCALE, 2, AUDIO_TIMESCALE, segments(durations, AUDIO_TIMESCALE, 128_000));
    }

    /** A video track with arbitrary segment durations in ticks of {@code timescale}. */
    static Ladder.Track videoWithDurations(String id, int timescale, long... durations) {
        return new Ladder.Track(id, Ladder.Kind.VIDEO, "avc1.64001f", 3_000_000, 2_500_000, 1280, 720, NTSC, 0, 0,
                timescale, segments(durations, timescale, 2_500_000));
    }

    /** Back-to-back segments numbered from 1, starting at 0. */
    static List<Ladder.Segment> segments(long[] durations, int timescale, long bitsPerSecond) {
        List<Ladder.Segment> segments = new ArrayList<>();
        long start = 0;
        for (int i = 0; i < durations.length; i++) {
            long bytes = bitsPerSecond * durations[i] / timescale / 8;
            segments.add(new Ladder.Segment(i + 1, start, durations[i], bytes));
            start += durations[i];
        }
        return segments;
    }

    static long ticks(Ladder.Track track) {
        return track.segments().stream().mapToLong(Ladder.Segment::duration).sum();
    }

    static double seconds(Ladder.Track track) {
        return (double) ticks(track) / track.timescale();
    }

    /** Every track, video first. */
    static List<Ladder.Track> tracks(Ladder ladder) {
        List<Ladder.Track> tracks = new ArrayList<>(ladder.video());
        if (ladder.audio() != null) {
            tracks.add(ladder.audio());
        }
        return tracks;
    }
}
