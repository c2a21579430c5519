package io.streamcdn.media;

import java.util.List;

/**
 * How every video is encoded and packaged. Immutable; built once from the origin's configuration.
 *
 * @param ladder          configured rungs (the planner drops those above the source)
 * @param segmentSeconds  media segment duration; also the keyframe interval
 * @param x264Preset      libx264 speed/quality preset
 * @param audioKbps       AAC-LC bitrate
 * @param threads         x264 threads shared by the rungs of one encode, split by pixels; 0 = x264 chooses per rung
 */
public record EncoderSettings(List<Rung> ladder, double segmentSeconds, String x264Preset, int audioKbps, int threads) {

    public static final List<String> X264_PRESETS = List.of(
            "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");

    public EncoderSettings {
        ladder = List.copyOf(ladder);
        if (ladder.isEmpty()) {
            throw new IllegalArgumentException("the ladder needs at least one rung");
        }
        if (!(segmentSeconds >= 1 && segmentSeconds <= 10)) {
            throw new IllegalArgumentException("segment duration " + segmentSeconds + " s is outside 1..10 s");
        }
        if (!X264_PRESETS.contains(x264Preset)) {
            throw new IllegalArgumentException("x264 preset '" + x264Preset + "' is not one of " + X264_PRESETS);
        }
        if (audioKbps < 32 || audioKbps > 320) {
            throw new IllegalArgumentException("audio bitrate " + audioKbps + "k is outside 32k..320k");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (auto) or more");
        }
    }

    public static EncoderSettings defaults() {
        return new EncoderSettings(Rung.DEFAULT_LADDER, 2.0, "veryfast", 128, 0);
    }
}
