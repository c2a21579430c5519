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
 * {@code rebuffer-end}; a stall still open when the session ended counts up to that end. Startup is the
 * player's own {@code stats().startupSeconds} (page open to first frame), else its {@code startup} event's.
 *
 * @param rebufferRatio rebuffer time over (rebuffer time + video time played)
 */
public record QoeScore(double qoeLin, int segments, double averageBitrateMbps, double rebufferSeconds,
                       double rebufferRatio, int switches, double startupSeconds, double playedSeconds, boolean ended) {

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
        double rebuffer = rebufferSeconds(log.events(), log.endMillis());
        double qoe = bitrateSum - REBUFFER_PENALTY * rebuffer - smoothness;
        double average = played.isEmpty() ? 0 : bitrateSum / played.size();
        double watched = rebuffer + log.playedSeconds();
        return new QoeScore(qoe, played.size(), average, rebuffer, watched > 0 ? rebuffer / watched : 0, switches,
                startupSeconds(log), log.playedSeconds(), log.ended());
    }

    /** One entry per segment number, the last fetched, in segment order. */
    static List<PlaybackLog.Segment> playedInOrder(List<PlaybackLog.Segment> fetched) {
        Map<Integer, PlaybackLog.Segment> byIndex = new TreeMap<>();
        fetched.stream().sorted(Comparator.comparingDouble(PlaybackLog.Segment::t))
                .forEach(s -> byIndex.put(s.index(), s));
        return new ArrayList<>(byIndex.values());
    }

    /** Total stall time after startup: each rebuffer-start to the next rebuffer-end (or {@code endMillis}). */
    static double rebufferSeconds(List<PlaybackLog.Event> events, double endMillis) {
        boolean started = events.stream().noneMatch(e -> e.type().equals("startup"));
        double total = 0;
        double stallStart = Double.NaN;
        for (PlaybackLog.Event event : events.stream().sorted(Comparator.comparingDouble(PlaybackLog.Event::t)).toList()) {
            switch (event.type()) {
                case "startup" -> started = true;
                case "rebuffer-start" -> {
                    if (started && Double.isNaN(stallStart)) {
                        stallStart = event.t();
                    }
                }
                case "rebuffer-end" -> {
                    if (!Double.isNaN(stallStart)) {
                        total += event.t() - stallStart;
                        stallStart = Double.NaN;
                    }
                }
                default -> { }
            }
        }
        if (!Double.isNaN(stallStart)) {
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
