package io.streamcdn.origin.jobs;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The encode queue's meters. Prometheus names: {@code streamcdn_encode_queue_length},
 * {@code streamcdn_encodes_running}, {@code streamcdn_encode_duration_seconds{outcome}},
 * {@code streamcdn_encode_rung_duration_seconds{rung}}, {@code streamcdn_encode_speed_ratio}.
 * Tags are bounded: three outcomes, and rung names from the configured ladder. Never a video id.
 */
public final class EncodeMetrics {

    /** How an encode job ended. */
    public enum Outcome {
        READY, FAILED, CANCELLED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
    /** Histogram buckets for encode times (Prometheus histograms aggregate across origins; summaries do not). */
    private static final Duration[] BUCKETS = java.util.stream.LongStream.of(1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200)
            .mapToObj(Duration::ofSeconds).toArray(Duration[]::new);

    private final DistributionSummary speed;

    public EncodeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("streamcdn.encode.queue.length", queued, AtomicInteger::get)
                .description("Encode jobs waiting for a worker")
                .register(registry);
        Gauge.builder("streamcdn.encodes.running", running, AtomicInteger::get)
                .description("Encode jobs running now")
                .register(registry);
        for (Outcome outcome : Outcome.values()) {
            durations.put(outcome, Timer.builder("streamcdn.encode.duration")
                    .description("Wall time of one encode job, from start to publication or failure")
                    .tag("outcome", outcome.tag())
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry));
        }
        speed = DistributionSummary.builder("streamcdn.encode.speed.ratio")
                .description("Media seconds encoded per wall second, per finished job (above 1 is faster than realtime)")
                .register(registry);
    }

    void jobQueued() {
        queued.incrementAndGet();
    }

    void jobLeftQueue() {
        queued.decrementAndGet();
    }

    void jobStarted() {
        running.incrementAndGet();
    }

    void jobEnded(Outcome outcome, Duration wall) {
        running.decrementAndGet();
        durations.get(outcome).record(wall);
    }

    void realtimeRatio(double mediaSecondsPerWallSecond) {
        if (Double.isFinite(mediaSecondsPerWallSecond) && mediaSecondsPerWallSecond > 0) {
            speed.record(mediaSecondsPerWallSecond);
        }
    }

    /**
     * One rung's wall time within a finished encode. Rungs encode in parallel from one decode, so each
     * rung's time spans most of the job's; the spread between rungs shows which one holds the job up.
     */
    void rungEncoded(String rung, Duration wall) {
        Timer.builder("streamcdn.encode.rung.duration")
                .description("Wall time spent encoding one rung of a ladder")
                .tag("rung", rung)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(wall);
    }
}
