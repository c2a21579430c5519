package io.streamcdn.edge.registration;

import java.util.Locale;

/** How one heartbeat ended, as the {@code outcome} tag of {@code streamcdn_edge_heartbeats_total}. */
enum HeartbeatOutcome {
    /** The router answered 2xx: this edge is registered. */
    OK,
    /** The router answered, with anything but 2xx. */
    REFUSED,
    /** No answer: connection refused, DNS failure, reset, or no response within the timeout. */
    UNREACHABLE;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
