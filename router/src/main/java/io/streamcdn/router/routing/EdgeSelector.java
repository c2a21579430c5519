package io.streamcdn.router.routing;

import io.streamcdn.router.locate.Locator;
import io.streamcdn.router.registry.EdgeRegistry;
import io.streamcdn.router.registry.EdgeStatus;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The router's choice of edges for a viewer, best first:
 * <ol>
 *   <li>available edges of the viewer's coverage zone, if it has one and they exist ({@code zone});</li>
 *   <li>else by great-circle distance: every edge within {@code toleranceKm} of the nearest shares the viewer
 *       ({@code nearest}), then the others by distance ({@code farther}), then edges with no location
 *       ({@code no-location});</li>
 *   <li>edges reporting more load than {@code maxLoad} come last ({@code busy}), unless all are that busy.</li>
 * </ol>
 * Within a group the order is rendezvous (highest-random-weight) hashing of the content key and the edge's
 * name, weighted by its spare capacity: one video sticks to one edge (its cache stays warm), different videos
 * spread over the group, and a busier edge receives proportionally fewer of them. Adding or removing an edge
 * moves only the videos that edge wins or loses.
 */
public final class EdgeSelector implements Routing {

    private final EdgeRegistry registry;
    private final Locator locator;
    private final double toleranceKm;
    private final double maxLoad;

    public EdgeSelector(EdgeRegistry registry, Locator locator, double toleranceKm, double maxLoad) {
        this.registry = registry;
        this.locator = locator;
        this.toleranceKm = toleranceKm;
        this.maxLoad = maxLoad;
    }

    @Override
    public Viewer locate(InetAddress client) {
        return locator.locate(client);
    }

    @Override
    public List<RankedEdge> rank(Viewer viewer, String key) {
        List<EdgeStatus> candidates = new ArrayList<>();
        List<EdgeStatus> busy = new ArrayList<>();
        for (EdgeStatus status : registry.available()) {
            (status.load() > maxLoad ? busy : candidates).add(status);
        }
        if (candidates.isEmpty()) {
            candidates = busy;
            busy = List.of();
        }
        List<RankedEdge> ranked = new ArrayList<>(candidates.size() + busy.size());
        if (viewer.zone().isPresent()) {
            String zone = viewer.zone().get();
            List<EdgeStatus> inZone = candidates.stream().filter(s -> s.edge().zone().map(zone::equals).orElse(false))
                    .toList();
            addByHash(ranked, inZone, key, viewer, "zone");
            candidates = candidates.stream().filter(s -> !inZone.contains(s)).toList();
        }
        if (viewer.location().isPresent()) {
            // Each distance once, not once per comparison of the sort: a haversine (asin, cos) per comparison
            // was a tenth of the event loops' Java time under load.
            List<Located> located = new ArrayList<>(candidates.size());
            for (EdgeStatus status : candidates) {
                if (status.edge().location().isPresent()) {
                    located.add(new Located(status, distance(viewer, status)));
                }
            }
            located.sort(Comparator.comparingDouble(Located::km));
            if (!located.isEmpty()) {
                double limit = located.get(0).km() + toleranceKm;
                addByHash(ranked, located.stream().filter(l -> l.km() <= limit).map(Located::status).toList(), key, viewer,
                        "nearest");
                for (Located farther : located) {
                    if (farther.km() > limit) {
                        ranked.add(new RankedEdge(farther.status().edge(), farther.km(), farther.status().load(), "farther"));
                    }
                }
            }
            addByHash(ranked, candidates.stream().filter(s -> s.edge().location().isEmpty()).toList(), key, viewer,
                    "no-location");
        } else {
            addByHash(ranked, candidates, key, viewer, "no-location");
        }
        List<EdgeStatus> busiest = new ArrayList<>(busy);
        busiest.sort(Comparator.comparingDouble(EdgeStatus::load));
        for (EdgeStatus status : busiest) {
            ranked.add(ranked(status, viewer, "busy"));
        }
        return ranked;
    }

    /** An edge with a location and its distance to the viewer. */
    private record Located(EdgeStatus status, double km) {
    }

    private void addByHash(List<RankedEdge> ranked, List<EdgeStatus> group, String key, Viewer viewer, String reason) {
        List<EdgeStatus> ordered = new ArrayList<>(group);
        ordered.sort(Comparator.comparingDouble((EdgeStatus s) -> score(key, s)).reversed());
        for (EdgeStatus status : ordered) {
            ranked.add(ranked(status, viewer, reason));
        }
    }

    private static RankedEdge ranked(EdgeStatus status, Viewer viewer, String reason) {
        return new RankedEdge(status.edge(), distance(viewer, status), status.load(), reason);
    }

    private static double distance(Viewer viewer, EdgeStatus status) {
        if (viewer.location().isEmpty() || status.edge().location().isEmpty()) {
            return -1;
        }
        return viewer.location().get().distanceKm(status.edge().location().get());
    }

    /**
     * Weighted rendezvous score (Schindelhauer and Schomaker's logarithmic method): {@code w / -ln(h)} with
     * {@code h} a uniform hash of key and edge in (0, 1) and {@code w} the spare capacity. The highest wins.
     */
    static double score(String key, EdgeStatus status) {
        double spare = Math.max(0.05, 1 - Math.min(1, status.load()));
        long hash = mix(fnv1a(key + "\u0000" + status.edge().name()));
        double unit = ((hash >>> 11) + 0.5) / (1L << 53);
        return spare / -Math.log(unit);
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finalizer: spreads FNV's weak low bits over the whole word. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
