package io.streamcdn.origin.qoe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the players' beacons tell, as Prometheus series on the origin (names fixed by the player/origin contract):
 * <pre>
 *   streamcdn_qoe_beacons_total{outcome="accepted"|"rejected"}
 *   streamcdn_qoe_startup_seconds{edge}            histogram, 0.25 .. 10 s
 *   streamcdn_qoe_rebuffers_total{edge}
 *   streamcdn_qoe_rebuffer_seconds{edge}           histogram, 0.1 .. 30 s
 *   streamcdn_qoe_played_seconds_total{edge,rung}
 *   streamcdn_qoe_switches_total{edge,direction="up"|"down"}
 *   streamcdn_qoe_errors_total{edge,kind}
 * </pre>
 * Labels are bounded whatever clients send: at most {@link #MAX_EDGES} edge names and {@link #MAX_RUNGS} rung
 * labels are kept, later ones count as {@code other}; rungs that are not labels like {@code 720p} are
 * {@code other} too; kinds and directions are fixed sets. Session and video ids are never labels. Histograms,
 * not summaries, so quantiles can be taken across origins and edges.
 */
public final class QoeMetrics {

    public static final int MAX_EDGES = 64;
    public static final int MAX_RUNGS = 32;

    /** Startup time buckets: "instant" to "gave up". */
    static final double[] STARTUP_BUCKETS = {0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10};
    /** Stall length buckets: a hiccup to a viewer long gone. */
    static final double[] REBUFFER_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30};

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter rejected;
    private final BoundedLabels edges = new BoundedLabels(MAX_EDGES);
    private final BoundedLabels rungs = new BoundedLabels(MAX_RUNGS);
    private final Map<String, DistributionSummary> startup = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> rebufferSeconds = new ConcurrentHashMap<>();
    private final Map<String, Counter> rebuffers = new ConcurrentHashMap<>();
    private final Map<Labels, Counter> played = new ConcurrentHashMap<>();
    private final Map<Labels, Counter> switches = new ConcurrentHashMap<>();
    private final Map<Labels, Counter> errors = new ConcurrentHashMap<>();

    /** An edge and one more label value (rung, direction or kind): a map key that builds no string. */
    private record Labels(String edge, String other) {
    }

    public QoeMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Both outcomes exist from the start, so a dashboard shows zero refusals rather than no data.
        this.accepted = beacons("accepted");
        this.rejected = beacons("rejected");
    }

    private Counter beacons(String outcome) {
        return Counter.builder("streamcdn.qoe.beacons").tag("outcome", outcome)
                .description("QoE beacons received from players, by whether they were accepted").register(registry);
    }

    /** Counts one accepted beacon and everything in it. */
    public void record(QoeBeacon beacon) {
        String edge = edges.label(beacon.edge());
        for (QoeEvent event : beacon.events()) {
            if (event instanceof QoeEvent.Startup s) {
                startup.computeIfAbsent(edge, e -> histogram("streamcdn.qoe.startup", e,
                        "Time from play to the first frame, per playback", STARTUP_BUCKETS)).record(s.seconds());
            } else if (event instanceof QoeEvent.Rebuffer r) {
                rebuffers.computeIfAbsent(edge, e -> Counter.builder("streamcdn.qoe.rebuffers").tag("edge", e)
                        .description("Playback stalls reported by players").register(registry)).increment();
                rebufferSeconds.computeIfAbsent(edge, e -> histogram("streamcdn.qoe.rebuffer", e,
                        "Length of each playback stall", REBUFFER_BUCKETS)).record(r.seconds());
            } else if (event instanceof QoeEvent.Played p) {
                played.computeIfAbsent(new Labels(edge, rungs.label(Rungs.label(p.rung()))),
                        k -> Counter.builder("streamcdn.qoe.played.seconds").baseUnit("seconds")
                                .tag("edge", k.edge()).tag("rung", k.other())
                                .description("Media seconds played, by rung").register(registry))
                        .increment(p.seconds());
            } else if (event instanceof QoeEvent.Switch s) {
                switches.computeIfAbsent(new Labels(edge, s.direction()),
                        k -> Counter.builder("streamcdn.qoe.switches").tag("edge", k.edge()).tag("direction", k.other())
                                .description("Rung switches made by players' adaptation").register(registry))
                        .increment();
            } else if (event instanceof QoeEvent.PlayerError e) {
                errors.computeIfAbsent(new Labels(edge, e.kind().label()),
                        k -> Counter.builder("streamcdn.qoe.errors").tag("edge", k.edge()).tag("kind", k.other())
                                .description("Errors players reported, by kind").register(registry))
                        .increment();
            }
        }
        accepted.increment();
    }

    /** Counts a beacon that was refused; nothing in it is counted. */
    public void rejected() {
        rejected.increment();
    }

    private DistributionSummary histogram(String name, String edge, String description, double[] buckets) {
        return DistributionSummary.builder(name).baseUnit("seconds").tag("edge", edge).description(description)
                .serviceLevelObjectives(buckets).register(registry);
    }
}
