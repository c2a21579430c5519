package io.streamcdn.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses which configured rungs a source gets, and at what exact size and rate control.
 *
 * <p>Sizes are worked out on the source's <em>display frame</em>: its stored height by its stored width times
 * the sample aspect ratio. That is how every player shows an anamorphic source (lines kept, columns
 * resampled), and our outputs have square pixels, so a 720x576 SAR 64:45 source is a 1024x576 picture.
 *
 * <p>A rung's height names the <em>shorter</em> side of the picture, as "1080p" does for a 1080x1920 phone
 * video on every video site: a portrait source gets 1080x1920, 720x1280, ... with the same bitrates as the
 * landscape rungs of equal pixel count. Naming the long side instead would plan a 1920-tall portrait video
 * as "1080p" at 608x1080 and throw away most of its pixels.
 *
 * <p>Rungs whose size exceeds the source's shorter side are dropped (no upscaling, not even by one line: a
 * player upscales better than a bitrate spent on invented pixels). A source smaller than every rung still
 * gets one rendition, at its own size; see {@link #MIN_FALLBACK_KBPS}.
 */
public final class LadderPlanner {

    /**
     * Capped VBR, the usual rate control for on-demand ABR: the encoder may spend up to 1.5x the target on
     * hard scenes. The VBV buffer is one second at the target rate. Over any window of T seconds x264 then
     * emits at most bufsize + T x maxrate bits, so a 2 s segment never exceeds (1 + 2 x 1.5) / 2 = 2x the
     * target: Apple's HLS authoring limit for VOD peaks (200 % of average) holds by construction, and the
     * peak bandwidth the manifests advertise stays close to the average that ABR estimators plan with.
     * (With 1 s segments the bound is 2.5x; with longer ones it is tighter.) "bufsize = 2 x maxrate" recipes
     * would allow 3x peaks per 2 s segment.
     */
    static final double MAXRATE_FACTOR = 1.5;
    static final double BUFSIZE_FACTOR = 1.0;

    /**
     * Lowest bitrate for the single rendition of a source smaller than every rung. Its bitrate is the lowest
     * rung's scaled by pixel count, but x264 output below about 150 kbit/s turns to smear on moving content
     * at any size, and such sources are cheap to serve anyway. Never above the lowest rung's own bitrate.
     */
    static final int MIN_FALLBACK_KBPS = 150;

    private final List<Rung> rungs;

    public LadderPlanner(List<Rung> rungs) {
        Objects.requireNonNull(rungs, "rungs");
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("the ladder is empty; give at least one rung, e.g. 720p:3000k");
        }
        Set<Integer> heights = new HashSet<>();
        for (Rung rung : rungs) {
            if (!heights.add(Objects.requireNonNull(rung, "rung").height())) {
                throw new IllegalArgumentException("rung " + rung.name() + " is listed twice");
            }
        }
        this.rungs = rungs.stream().sorted(Comparator.comparingInt(Rung::height).reversed()).toList();
    }

    /** The renditions to encode for {@code source}, highest first; never empty. */
    public List<VideoRendition> plan(MediaInfo.Video source) {
        Frame frame = Frame.of(source);
        List<VideoRendition> planned = new ArrayList<>();
        for (Rung rung : rungs) {
            if (rung.height() <= frame.shortSide) {
                planned.add(rendition(rung.name(), frame.scaledTo(rung.height()), rung.videoKbps()));
            }
        }
        if (planned.isEmpty()) {
            planned.add(fallback(frame));
        }
        return List.copyOf(planned);
    }

    /** One rendition at the source's own size, for a source smaller than the lowest rung. */
    private VideoRendition fallback(Frame frame) {
        Rung lowest = rungs.get(rungs.size() - 1);
        Size size = frame.scaledTo(frame.shortSide);
        // The lowest rung's picture at this aspect ratio, unrounded and not clamped to the source.
        double lowestPixels = (double) lowest.height() * lowest.height() * frame.longOverShort();
        double pixelShare = size.pixels() / lowestPixels;
        int floor = Math.min(MIN_FALLBACK_KBPS, lowest.videoKbps());
        int kbps = Math.max(floor, (int) Math.round(lowest.videoKbps() * pixelShare));
        return rendition(Math.min(size.width, size.height) + "p", size, Math.min(kbps, lowest.videoKbps()));
    }

    private static VideoRendition rendition(String id, Size size, int kbps) {
        int maxrate = (int) Math.round(kbps * MAXRATE_FACTOR);
        int bufsize = (int) Math.round(kbps * BUFSIZE_FACTOR);
        return new VideoRendition(id, size.width, size.height, kbps, maxrate, bufsize);
    }

    private record Size(int width, int height) {
        long pixels() {
            return (long) width * height;
        }
    }

    /**
     * The source's display frame, reduced to what scaling needs: its shorter and longer sides, the ratio
     * between them and which way round it stands.
     */
    private record Frame(boolean portrait, int shortSide, int longSide, double longOverShort) {

        static Frame of(MediaInfo.Video source) {
            if (source.width() <= 0 || source.height() <= 0) {
                throw new IllegalArgumentException("source size " + source.width() + "x" + source.height()
                        + " is not a picture; the probe should have refused it");
            }
            double aspect = source.displayAspectRatio();
            // Widths are floored so that "no upscaling" holds against the exact display width.
            int displayWidth = (int) Math.floor(source.height() * aspect + 1e-9);
            int displayHeight = source.height();
            boolean portrait = aspect < 1.0;
            if (Math.min(displayWidth, displayHeight) < 2) {
                throw new IllegalArgumentException("source size " + source.width() + "x" + source.height()
                        + " is too small for an even-sized encode without upscaling");
            }
            return portrait
                    ? new Frame(true, displayWidth, displayHeight, 1.0 / aspect)
                    : new Frame(false, displayHeight, displayWidth, aspect);
        }

        /**
         * The frame scaled so that its shorter side is {@code shortTarget} (rounded down to even), the
         * longer side to the nearest even number, neither beyond the source.
         */
        Size scaledTo(int shortTarget) {
            int shortOut = evenDown(shortTarget);
            int longOut = (int) (2 * Math.round(shortOut * longOverShort / 2));
            longOut = Math.min(longOut, evenDown(longSide));
            return portrait ? new Size(shortOut, longOut) : new Size(longOut, shortOut);
        }

        private static int evenDown(int n) {
            return n & ~1;
        }
    }
}
