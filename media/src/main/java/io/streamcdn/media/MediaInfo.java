package io.streamcdn.media;

import java.util.List;

/**
 * What {@link Probe} learned about a source file. Times are in seconds on the container's timeline;
 * {@code startSeconds} of each stream tells where its first sample sits (the test clips' video starts
 * 2.235 s after their audio).
 */
public record MediaInfo(String container, String containerLongName, double durationSeconds, double startSeconds,
                        long sizeBytes, List<StreamInfo> streams, Video video, Audio audio) {

    public MediaInfo {
        streams = List.copyOf(streams);
    }


    /** Any stream, as listed by the container. */
    public record StreamInfo(int index, String type, String codec, double startSeconds, double durationSeconds) {
    }

    /**
     * @param rotation clockwise degrees (0, 90, 180, 270) to turn the stored picture to show it upright, from
     *                 the container's display matrix: phones store portrait video as landscape plus this
     */
    public record Video(int index, String codec, String profile, int width, int height, Rational frameRate,
                        Rational sampleAspectRatio, String pixelFormat, double startSeconds, double durationSeconds,
                        int rotation) {

        public Video {
            if (rotation % 90 != 0 || rotation < 0 || rotation >= 360) {
                throw new IllegalArgumentException("rotation must be 0, 90, 180 or 270, not " + rotation);
            }
        }

        /** The picture as viewers see it: quarter turns swap width and height (and invert the sample aspect). */
        public Video upright() {
            if (rotation % 180 == 0) {
                return rotation == 0 ? this : new Video(index, codec, profile, width, height, frameRate, sampleAspectRatio,
                        pixelFormat, startSeconds, durationSeconds, 0);
            }
            Rational sar = sampleAspectRatio == null || sampleAspectRatio.num() <= 0 ? new Rational(1, 1)
                    : new Rational(sampleAspectRatio.den(), sampleAspectRatio.num());
            return new Video(index, codec, profile, height, width, frameRate, sar, pixelFormat, startSeconds,
                    durationSeconds, 0);
        }

        /** Width over height as displayed, after the sample aspect ratio. */
        public double displayAspectRatio() {
            double sar = sampleAspectRatio == null || sampleAspectRatio.num() <= 0 ? 1.0 : sampleAspectRatio.value();
            return width * sar / height;
        }
    }

    public record Audio(int index, String codec, int sampleRate, int channels, double startSeconds,
                        double durationSeconds) {
    }
}
