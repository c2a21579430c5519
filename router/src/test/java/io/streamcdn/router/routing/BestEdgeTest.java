package io.streamcdn.router.routing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.locate.CoverageZones;
import io.streamcdn.router.locate.Locator;
import io.streamcdn.router.registry.EdgeRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects ask {@link EdgeSelector#best} for the winner only; it must always be the edge (and reason, distance,
 * load) that heads {@link EdgeSelector#rank}, which {@code /api/route} and DNS show. Checked over random edge
 * sets: places, zones, edges without a location, busy edges (some, and all), viewers with and without a zone or
 * a location, and many content keys.
 */
class BestEdgeTest {

    private static final String[] ZONES = {"eu-west", "us-west", "asia"};

    @Test
    void theBestEdgeIsAlwaysTheFirstOfTheRanking() throws Exception {
        Random random = new Random(20261203);
        int compared = 0;
        for (int round = 0; round < 200; round++) {
            EdgeRegistry registry = new EdgeRegistry(Duration.ofSeconds(30), new SimpleMeterRegistry());
            int edges = random.nextInt(7);
            boolean allBusy = random.nextInt(5) == 0;
            for (int i = 0; i < edges; i++) {
                Optional<GeoPoint> location = random.nextInt(4) == 0 ? Optional.empty()
                        : Optional.of(new GeoPoint(random.nextDouble() * 120 - 60, random.nextDouble() * 340 - 170));
                Optional<String> zone = random.nextInt(3) == 0 ? Optional.of(ZONES[random.nextInt(ZONES.length)])
                        : Optional.empty();
                Edge edge = new Edge("edge-" + round + "-" + i, URI.create("http://127.0.0.1:" + (20000 + i)), location,
                        zone, List.of(), 1000, 1_000_000_000L);
                double load = allBusy ? 0.9 + random.nextDouble() : random.nextDouble();
                registry.heartbeat(edge, load, 0, 0);
                registry.checked(edge.name(), true, null, Optional.empty());
            }
            EdgeSelector selector = new EdgeSelector(registry, new Locator(CoverageZones.none(), Optional.empty(),
                    Optional.empty()), random.nextInt(3) * 500.0, 0.8);
            for (int v = 0; v < 10; v++) {
                Optional<GeoPoint> at = random.nextInt(4) == 0 ? Optional.empty()
                        : Optional.of(new GeoPoint(random.nextDouble() * 120 - 60, random.nextDouble() * 340 - 170));
                Optional<String> zone = random.nextInt(3) == 0 ? Optional.of(ZONES[random.nextInt(ZONES.length)])
                        : Optional.empty();
                Viewer viewer = new Viewer(InetAddress.getByAddress(new byte[] {81, 2, 69, (byte) v}), at, zone,
                        zone.isPresent() ? Viewer.Source.COVERAGE_ZONE : Viewer.Source.GEOIP);
                for (int k = 0; k < 20; k++) {
                    String key = "video" + random.nextInt(100_000);
                    List<RankedEdge> ranked = selector.rank(viewer, key);
                    assertThat(selector.best(viewer, key))
                            .as("edges %s, viewer %s, key %s", registry.available(), viewer, key)
                            .isEqualTo(ranked.isEmpty() ? Optional.empty() : Optional.of(ranked.get(0)));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(200 * 10 * 20);
    }
}
