package io.streamcdn.edge.registration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registration meters: {@code streamcdn_edge_heartbeats_total{outcome}}, every outcome registered up front so
 * dashboards see zeros rather than gaps, and {@code streamcdn_edge_router_registered}: 1 when the last beat
 * was accepted, else 0 (also 0 before the first answer and after deregistration).
 */
final class HeartbeatMetrics {

    private final Map<HeartbeatOutcome, Counter> outcomes = new EnumMap<>(HeartbeatOutcome.class);
    // Held here because Micrometer keeps only a weak reference to a gauge's state object.
    private final AtomicInteger registered = new AtomicInteger();

    HeartbeatMetrics(MeterRegistry registry) {
        for (HeartbeatOutcome outcome : HeartbeatOutcome.values()) {
            outcomes.put(outcome, Counter.builder("streamcdn.edge.heartbeats")
                    .description("Heartbeats sent to the router, by how they ended")
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
        Gauge.builder("streamcdn.edge.router.registered", registered, AtomicInteger::get)
                .description("1 when the router accepted the last heartbeat, else 0")
                .register(registry);
    }

    void beat(HeartbeatOutcome outcome) {
        outcomes.get(outcome).increment();
        registered.set(outcome == HeartbeatOutcome.OK ? 1 : 0);
    }

    void deregistered() {
        registered.set(0);
    }
}
