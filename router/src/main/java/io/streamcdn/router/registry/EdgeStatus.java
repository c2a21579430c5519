package io.streamcdn.router.registry;

import io.streamcdn.router.routing.Edge;

/**
 * What the router currently believes about one edge: its description, whether it may receive viewers, and
 * its last reported load. Immutable; the registry swaps whole values.
 *
 * @param edge               the edge
 * @param origin             where the router learned of it
 * @param available          may receive viewers now
 * @param checked            at least one health check has completed
 * @param successes          consecutive successful health checks
 * @param failures           consecutive failed health checks
 * @param lastHeartbeatNanos {@code System.nanoTime()} of the last heartbeat (self-registered edges), else 0
 * @param load               last reported load, 0 idle .. 1 at capacity (may exceed 1)
 * @param connections        last reported open connections
 * @param bitsPerSecond      last reported outgoing bit rate
 * @param lastProblem        why the last check failed, or null
 */
public record EdgeStatus(Edge edge, Origin origin, boolean available, boolean checked, int successes, int failures,
                         long lastHeartbeatNanos, double load, long connections, long bitsPerSecond,
                         String lastProblem) {

    /** Where the router learned of an edge. */
    public enum Origin {
        /** The {@code --edges} file. */
        STATIC,
        /** Its own heartbeats. */
        HEARTBEAT
    }

    static EdgeStatus fresh(Edge edge, Origin origin, long heartbeatNanos) {
        return new EdgeStatus(edge, origin, false, false, 0, 0, heartbeatNanos, 0, 0, 0, "not checked yet");
    }

    EdgeStatus withEdge(Edge replacement, long heartbeatNanos, double newLoad, long newConnections, long newBits) {
        return new EdgeStatus(replacement, origin, available, checked, successes, failures, heartbeatNanos, newLoad,
                newConnections, newBits, lastProblem);
    }

    EdgeStatus withCheck(boolean nowAvailable, int newSuccesses, int newFailures, String problem) {
        return new EdgeStatus(edge, origin, nowAvailable, true, newSuccesses, newFailures, lastHeartbeatNanos, load,
                connections, bitsPerSecond, problem);
    }

    EdgeStatus withLoad(double newLoad) {
        return new EdgeStatus(edge, origin, available, checked, successes, failures, lastHeartbeatNanos, newLoad,
                connections, bitsPerSecond, lastProblem);
    }
}
