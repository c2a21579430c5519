package io.streamcdn.router.routing;

/**
 * One edge in a viewer's ranking, best first.
 *
 * @param edge        the edge
 * @param distanceKm  great-circle distance to the viewer, or -1 when either location is unknown
 * @param load        its last reported load (0 idle, 1 at capacity)
 * @param reason      why it is where it is: {@code zone}, {@code nearest}, {@code within-tolerance},
 *                    {@code farther}, {@code busy}, {@code no-location}
 */
public record RankedEdge(Edge edge, double distanceKm, double load, String reason) {
}
