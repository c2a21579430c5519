package io.streamcdn.origin.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The file server's own meters, next to Vert.x's per-route request metrics:
 * {@code streamcdn_files_served_total{kind, outcome}} counts answers by file kind (manifest, segment, ...)
 * and by what was sent (the whole file, a range, a 304, or a refusal). Both tags are closed sets, so the
 * number of series is fixed; ids and paths never become tags.
 */
public final class ServeMetrics implements MeterBinder {

    public enum Outcome {
        FULL, PARTIAL, NOT_MODIFIED, NOT_FOUND, BAD_PATH, UNSATISFIABLE, PRECONDITION_FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The kind tag of requests refused before their file kind is known. */
    private static final String UNKNOWN_KIND = "unknown";

    private final Map<FileKind, Map<Outcome, Counter>> counters = new EnumMap<>(FileKind.class);
    private final Map<Outcome, Counter> unknownKind = new EnumMap<>(Outcome.class);

    public ServeMetrics(MeterRegistry registry) {
        bindTo(registry);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (FileKind kind : FileKind.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, counter(registry, kind.tag(), outcome));
            }
            counters.put(kind, byOutcome);
        }
        unknownKind.put(Outcome.BAD_PATH, counter(registry, UNKNOWN_KIND, Outcome.BAD_PATH));
    }

    private static Counter counter(MeterRegistry registry, String kind, Outcome outcome) {
        return Counter.builder("streamcdn.files.served")
                .description("Answers of the video file server, by file kind and outcome")
                .tag("kind", kind)
                .tag("outcome", outcome.tag())
                .register(registry);
    }

    public void served(FileKind kind, Outcome outcome) {
        counters.get(kind).get(outcome).increment();
    }

    public void badPath() {
        unknownKind.get(Outcome.BAD_PATH).increment();
    }
}
