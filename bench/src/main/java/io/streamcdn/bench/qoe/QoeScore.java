package io.streamcdn.bench.qoe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One session's quality of experience, as the Pensieve paper scores it (QoE_lin, from MPC, SIGCOMM 2015):
 * <pre>
 *   QoE_lin = Σ bitrate(Mbit/s) − 4.3 · Σ rebuffer(s) − Σ |Δ bitrate(Mbit/s)|
 * </pre>
 * over the video segments in segment order. A segment's bitrate is its rung's nominal ladder bitrate (what
 * the paper uses), not the peak the manifest advertises. When a segment was fetched more than once (a
 * replacement at another rung), the last fetch is the one played. The rebuffer penalty, 4.3, is the top
 * rung in Mbit/s (the paper's choice): a second of stall cancels a segment at the best quality.
 * <p>
 * Rebuffering is the time between each {@code rebuffer-start} event after startup and its
 * {@code rebuffer-end}; a stall still open when the session ended counts up to that end. Only a stall that began
 * with the video buffer (nearly) empty - under {@value #STARVED_BELOW_SECONDS} s ahead of the playhead, as the
 * page records in the event - is rebuffering, the ABR's doing. The page's {@code waiting} event also fires when
 * the decoder or renderer falls behind with seconds of video buffered (on this 2-core machine, when a build or a
 * second browser takes the CPU): those stalls are counted apart ({@code bufferedStallSeconds}), reported, and
 * left out of QoE_lin. A stall event without a buffer figure counts as rebuffering. Startup is the player's own
 * {@code stats().startupSeconds} (page open to first frame), else its {@code startup} event's.
 *
 * @param rebufferRatio        rebuffer time over (rebuffer time + video time played)
 * @param bufferedStallSeconds stalls that began with video buffered: the machine's, not the network's
 */
public record QoeScore(double qoeLin, int segments, double averageBitrateMbps, double rebufferSeconds,
                       double rebufferRatio, int switches, double startupSeconds, double playedSeconds, boolean ended,
                       double bufferedStallSeconds) {

    /** A stall that begins with less video than this buffered is the buffer running dry. */
    public static final double STARVED_BELOW_SECONDS = 1.0;

    /** Pensieve's rebuffer penalty: the ladder's top bitrate, 4.3 Mbit/s. */
    public static final double REBUFFER_PENALTY = 4.3;

    public static QoeScore of(PlaybackLog log, PensieveLadder ladder) {
        List<PlaybackLog.Segment> played = playedInOrder(log.segments());
        double bitrateSum = 0;
        double smoothness = 0;
        int switches = 0;
        for (int i = 0; i < played.size(); i++) {
            double mbps = ladder.mbps(played.get(i).rungIndex());
            bitrateSum += mbps;
            if (i > 0) {
                double previous = ladder.mbps(played.get(i - 1).rungIndex());
                smoothness += Math.abs(mbps - previous);
                if (played.get(i).rungIndex() != played.get(i - 1).rungIndex()) {
                    switches++;
                }
            }
        }
        double rebuffer = stallSeconds(log.events(), log.endMillis(), false);
        double qoe = bitrateSum - REBUFFER_PENALTY * rebuffer - smoothness;
        double average = played.isEmpty() ? 0 : bitrateSum / played.size();
        double watched = rebuffer + log.playedSeconds();
        return new QoeScore(qoe, played.size(), average, rebuffer, watched > 0 ? rebuffer / watched : 0, switches,
                startupSeconds(log), log.playedSeconds(), log.ended(), stallSeconds(log.events(), log.endMillis(), true));
    }

    /** One entry per segment number, the last fetched, in segment order. */
    static List<PlaybackLog.Segment> playedInOrder(List<PlaybackLog.Segment> fetched) {
        Map<Integer, PlaybackLog.Segment> byIndex = new TreeMap<>();
        fetched.stream().sorted(Comparator.comparingDouble(PlaybackLog.Segment::t))
                .forEach(s -> byIndex.put(s.index(), s));
        return new ArrayList<>(byIndex.values());
    }

    /**
     * Total stall time after startup, each rebuffer-start to the next rebuffer-end (or {@code endMillis}): of the
     * stalls that began with the buffer empty, or with {@code buffered}, of those that began with video buffered.
     */
    static double stallSeconds(List<PlaybackLog.Event> events, double endMillis, boolean buffered) {
        boolean started = events.stream().noneMatch(e -> e.type().equals("startup"));
        double total = 0;
        double stallStart = Double.NaN;
        boolean counted = false;
        for (PlaybackLog.Event event : events.stream().sorted(Comparator.comparingDouble(PlaybackLog.Event::t)).toList()) {
            switch (event.type()) {
                case "startup" -> started = true;
                case "rebuffer-start" -> {
                    if (started && Double.isNaN(stallStart)) {
                        stallStart = event.t();
                        Double ahead = event.fields().getDouble("buffer");
                        counted = (ahead != null && ahead >= STARVED_BELOW_SECONDS) == buffered;
                    }
                }
                case "rebuffer-end" -> {
                    if (!Double.isNaN(stallStart)) {
                        total += counted ? event.t() - stallStart : 0;
                        stallStart = Double.NaN;
                    }
                }
                default -> { }
            }
        }
        if (!Double.isNaN(stallStart) && counted) {
            total += Math.max(0, endMillis - stallStart);
        }
        return total / 1000;
    }

    private static double startupSeconds(PlaybackLog log) {
        Double fromStats = log.stats().getDouble("startupSeconds");
        if (fromStats != null && fromStats >= 0) {
            return fromStats;
        }
        return log.events().stream().filter(e -> e.type().equals("startup"))
                .map(e -> e.fields().getDouble("seconds"))
                .filter(s -> s != null)
                .findFirst().orElse(Double.NaN);
    }
}
