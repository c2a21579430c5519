package io.streamcdn.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Plans the renditions for one source from the configured rungs.
 *
 * <ul>
 *   <li>A rung's height is the picture's <em>shorter side</em>: a 1080x1920 phone video gets a "720p"
 *       rendition of 720x1280, which is what viewers and players mean by 720p.</li>
 *   <li>No upscaling: rungs above the source's short side are dropped. If every rung is above it, one
 *       rendition is made at the source's own size, with the lowest rung's bitrate scaled by pixel count
 *       (but not below {@value #MIN_KBPS}k).</li>
 *   <li>The display aspect ratio (sample aspect ratio included) is kept; output pixels are square and
 *       both sides are even, as H.264 4:2:0 requires.</li>
 *   <li>VBV: {@code maxrate = 1.5 x bitrate}, {@code bufsize = 2 x maxrate} (about two seconds of peak,
 *       one segment): bursts stay bounded per segment, which is what a player's ABR measures, while
 *       leaving x264 room for hard scenes.</li>
 * </ul>
 */
public final class LadderPlanner {

    static final int MIN_KBPS = 150;

    private final List<Rung> rungs;

    public LadderPlanner(List<Rung> rungs) {
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("the ladder needs at least one rung");
        }
        this.rungs = rungs.stream().sorted(Comparator.comparingInt(Rung::height).reversed()).toList();
    }

    /** Renditions for {@code source}, highest first; never empty. */
    public List<VideoRendition> plan(MediaInfo.Video source) {
        double aspect = source.displayAspectRatio();
        boolean portrait = aspect < 1.0;
        // The short side as displayed: for portrait pictures that is the displayed width (height x aspect).
        int shortSide = even(portrait ? (int) Math.round(source.height() * aspect) : source.height());
        List<VideoRendition> plan = new ArrayList<>();
        for (Rung rung : rungs) {
            if (rung.height() <= shortSide) {
                plan.add(rendition(rung.name(), rung.height(), aspect, portrait, rung.videoKbps()));
            }
        }
        if (plan.isEmpty()) {
            Rung lowest = rungs.get(rungs.size() - 1);
            double pixelShare = (double) shortSide * shortSide / ((double) lowest.height() * lowest.height());
            int kbps = Math.max(MIN_KBPS, (int) Math.round(lowest.videoKbps() * pixelShare));
            plan.add(rendition(shortSide + "p", shortSide, aspect, portrait, kbps));
        }
        return List.copyOf(plan);
    }

    private static VideoRendition rendition(String id, int shortSide, double aspect, boolean portrait, int kbps) {
        int longSide = even((int) Math.round(portrait ? shortSide / aspect : shortSide * aspect));
        int width = portrait ? shortSide : longSide;
        int height = portrait ? longSide : shortSide;
        int maxrate = (int) Math.round(kbps * 1.5);
        return new VideoRendition(id, Math.max(2, width), Math.max(2, height), kbps, maxrate, maxrate * 2);
    }

    /** Rounds down to an even number, never below 2. */
    private static int even(int value) {
        return Math.max(2, value - (value % 2));
    }
}
