package io.streamcdn.router.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamcdn.router.routing.Edge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Every edge the router knows, from the static file and from heartbeats, with its health. Thread-safe:
 * each update replaces one edge's immutable {@link EdgeStatus} atomically; readers take snapshots.
 * <p>
 * Availability follows Traffic Monitor's rule: an edge becomes available after its first successful health
 * check; once checked, it becomes unavailable after {@value #FAILURES_TO_DOWN} consecutive failed checks (or a
 * missed heartbeat deadline, for self-registered edges) and available again after {@value #SUCCESSES_TO_UP}
 * consecutive successes. Every transition is logged and counted.
 */
public final class EdgeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeRegistry.class);
    static final int FAILURES_TO_DOWN = 2;
    static final int SUCCESSES_TO_UP = 2;

    private final ConcurrentHashMap<String, EdgeStatus> edges = new ConcurrentHashMap<>();
    /**
     * The available edges as one immutable list, rebuilt after every change: every viewer request reads it,
     * while changes come a few times a second (checks, heartbeats), so filtering the map per request is waste.
     */
    private volatile List<EdgeStatus> availableNow = List.of();
    private final Duration heartbeatTimeout;
    private final Counter wentUp;
    private final Counter wentDown;

    public EdgeRegistry(Duration heartbeatTimeout, MeterRegistry registry) {
        this.heartbeatTimeout = heartbeatTimeout;
        this.wentUp = Counter.builder("streamcdn.router.edge.transitions").tag("to", "available")
                .description("Edges that became available").register(registry);
        this.wentDown = Counter.builder("streamcdn.router.edge.transitions").tag("to", "unavailable")
                .description("Edges that became unavailable").register(registry);
        Gauge.builder("streamcdn.router.edges.registered", edges, ConcurrentHashMap::size)
                .description("Edges the router knows").register(registry);
        Gauge.builder("streamcdn.router.edges.available", this, r -> r.available().size())
                .description("Edges that may receive viewers now").register(registry);
    }

    /** Adds the edges of the static file. */
    public void addStatic(List<Edge> statics) {
        for (Edge edge : statics) {
            edges.put(edge.name(), EdgeStatus.fresh(edge, EdgeStatus.Origin.STATIC, 0));
            refreshAvailable();
            LOG.info("edge {} at {} (from the edges file)", edge.name(), edge.url());
        }
    }

    /** Records a heartbeat: registers the edge, or refreshes its description and load. True when it is new. */
    public boolean heartbeat(Edge edge, double load, long connections, long bitsPerSecond) {
        long now = System.nanoTime();
        boolean[] added = {false};
        edges.compute(edge.name(), (name, current) -> {
            if (current == null) {
                added[0] = true;
                return EdgeStatus.fresh(edge, EdgeStatus.Origin.HEARTBEAT, now).withEdge(edge, now, load, connections,
                        bitsPerSecond);
            }
            return current.withEdge(edge, now, load, connections, bitsPerSecond);
        });
        refreshAvailable();
        if (added[0]) {
            LOG.info("edge {} registered itself at {} (heartbeat)", edge.name(), edge.url());
        }
        return added[0];
    }

    /** Removes a self-registered edge (it deregistered); false when it was not known. */
    public boolean remove(String name) {
        EdgeStatus removed = edges.remove(name);
        refreshAvailable();
        if (removed != null) {
            LOG.info("edge {} deregistered", name);
            if (removed.available()) {
                wentDown.increment();
            }
        }
        return removed != null;
    }

    /** Records one health check's result, applying the transition rules. */
    public void checked(String name, boolean ok, String problem, Optional<Double> reportedLoad) {
        update(name, status -> {
            EdgeStatus next = decide(status, ok, problem);
            return reportedLoad.map(next::withLoad).orElse(next);
        });
    }

    /** Marks self-registered edges whose heartbeats stopped as unavailable. */
    public void expireHeartbeats() {
        long now = System.nanoTime();
        for (EdgeStatus status : edges.values()) {
            if (status.origin() == EdgeStatus.Origin.HEARTBEAT && status.available()
                    && now - status.lastHeartbeatNanos() > heartbeatTimeout.toNanos()) {
                update(status.edge().name(), s -> s.withCheck(false, 0, FAILURES_TO_DOWN,
                        "no heartbeat for more than " + heartbeatTimeout.toSeconds() + " s"));
            }
        }
    }

    public Collection<EdgeStatus> all() {
        return List.copyOf(edges.values());
    }

    /** The edges that may receive viewers now, in name order; an immutable snapshot. */
    public List<EdgeStatus> available() {
        return availableNow;
    }

    /**
     * Rebuilds the snapshot from the map. Synchronized so that two changes racing cannot publish their
     * snapshots out of order: whoever refreshes last read the map last.
     */
    private synchronized void refreshAvailable() {
        availableNow = edges.values().stream().filter(EdgeStatus::available)
                .sorted(java.util.Comparator.comparing(s -> s.edge().name())).toList();
    }

    public Optional<EdgeStatus> get(String name) {
        return Optional.ofNullable(edges.get(name));
    }

    private EdgeStatus decide(EdgeStatus status, boolean ok, String problem) {
        int successes = ok ? status.successes() + 1 : 0;
        int failures = ok ? 0 : status.failures() + 1;
        boolean heartbeatMissed = status.origin() == EdgeStatus.Origin.HEARTBEAT
                && System.nanoTime() - status.lastHeartbeatNanos() > heartbeatTimeout.toNanos();
        boolean available = status.available();
        if (!status.checked()) {
            available = ok && !heartbeatMissed;
        } else if (available && (failures >= FAILURES_TO_DOWN || heartbeatMissed)) {
            available = false;
        } else if (!available && successes >= SUCCESSES_TO_UP && !heartbeatMissed) {
            available = true;
        }
        return status.withCheck(available, successes, failures, ok ? null : problem);
    }

    private void update(String name, UnaryOperator<EdgeStatus> change) {
        EdgeStatus[] before = {null};
        EdgeStatus after = edges.computeIfPresent(name, (n, current) -> {
            before[0] = current;
            return change.apply(current);
        });
        refreshAvailable();
        if (after == null || before[0] == null || before[0].available() == after.available()) {
            return;
        }
        if (after.available()) {
            wentUp.increment();
            LOG.info("edge {} is available", name);
        } else {
            wentDown.increment();
            LOG.warn("edge {} is unavailable: {}", name, after.lastProblem());
        }
    }
}
