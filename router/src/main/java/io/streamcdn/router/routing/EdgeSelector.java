package io.streamcdn.router.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.locate.Locator;
import io.streamcdn.router.registry.EdgeRegistry;
import io.streamcdn.router.registry.EdgeStatus;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

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
    private final Cache<GeoPoint, Distances> recentDistances = Caffeine.newBuilder().maximumSize(10_000)
            .executor(Runnable::run).build();

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
        List<EdgeStatus> available = registry.available();
        long keyHash = keyHash(key);
        double[] km = distances(viewer, available);
        // Each edge's score once per request: the groups below sort by it.
        List<Candidate> candidates = new ArrayList<>(available.size());
        List<Candidate> busy = new ArrayList<>();
        for (int i = 0; i < available.size(); i++) {
            EdgeStatus status = available.get(i);
            Candidate candidate = new Candidate(status, km[i], score(keyHash, status));
            (status.load() > maxLoad ? busy : candidates).add(candidate);
        }
        if (candidates.isEmpty()) {
            candidates = busy;
            busy = new ArrayList<>();
        }
        List<RankedEdge> ranked = new ArrayList<>(available.size());
        if (viewer.zone().isPresent()) {
            String zone = viewer.zone().get();
            List<Candidate> inZone = new ArrayList<>();
            List<Candidate> others = new ArrayList<>();
            for (Candidate candidate : candidates) {
                (candidate.status().edge().zone().map(zone::equals).orElse(false) ? inZone : others).add(candidate);
            }
            addByScore(ranked, inZone, "zone");
            candidates = others;
        }
        if (viewer.location().isPresent()) {
            List<Candidate> located = new ArrayList<>(candidates.size());
            List<Candidate> unlocated = new ArrayList<>();
            for (Candidate candidate : candidates) {
                (candidate.km() >= 0 ? located : unlocated).add(candidate);
            }
            located.sort(Comparator.comparingDouble(Candidate::km));
            if (!located.isEmpty()) {
                double limit = located.get(0).km() + toleranceKm;
                List<Candidate> nearest = new ArrayList<>();
                List<Candidate> farther = new ArrayList<>();
                for (Candidate candidate : located) {
                    (candidate.km() <= limit ? nearest : farther).add(candidate);
                }
                addByScore(ranked, nearest, "nearest");
                for (Candidate candidate : farther) {
                    ranked.add(candidate.ranked("farther"));
                }
            }
            addByScore(ranked, unlocated, "no-location");
        } else {
            addByScore(ranked, candidates, "no-location");
        }
        busy.sort(Comparator.comparingDouble(c -> c.status().load()));
        for (Candidate candidate : busy) {
            ranked.add(candidate.ranked("busy"));
        }
        return ranked;
    }

    /**
     * The same edge as {@code rank(viewer, key).get(0)}, found in one pass without building, scoring and sorting the
     * whole ranking: a redirect needs only the winner, and computing every edge's score (a logarithm each) and
     * sorting the groups was most of the decision's time. Ties break as the ranking's stable sorts do: among equal
     * scores the nearer edge, then the earlier in the registry's name order.
     */
    @Override
    public Optional<RankedEdge> best(Viewer viewer, String key) {
        List<EdgeStatus> available = registry.available();
        if (available.isEmpty()) {
            return Optional.empty();
        }
        // Busy edges come last unless every edge is busy; then they are ranked like the others.
        boolean allBusy = true;
        for (int i = 0; i < available.size() && allBusy; i++) {
            allBusy = available.get(i).load() > maxLoad;
        }
        long keyHash = keyHash(key);
        double[] km = distances(viewer, available);
        if (viewer.zone().isPresent()) {
            String zone = viewer.zone().get();
            int winner = highestScore(available, km, keyHash, allBusy, false,
                    i -> zone.equals(available.get(i).edge().zone().orElse(null)));
            if (winner >= 0) {
                return Optional.of(ranked(available.get(winner), km[winner], "zone"));
            }
        }
        if (viewer.location().isPresent()) {
            double nearestKm = Double.POSITIVE_INFINITY;
            for (int i = 0; i < km.length; i++) {
                if (eligible(available.get(i), allBusy) && km[i] >= 0 && km[i] < nearestKm) {
                    nearestKm = km[i];
                }
            }
            if (nearestKm != Double.POSITIVE_INFINITY) {
                double limit = nearestKm + toleranceKm;
                int winner = highestScore(available, km, keyHash, allBusy, true, i -> km[i] >= 0 && km[i] <= limit);
                return Optional.of(ranked(available.get(winner), km[winner], "nearest"));
            }
        }
        int winner = highestScore(available, km, keyHash, allBusy, false, i -> true);
        return Optional.of(ranked(available.get(winner), km[winner], "no-location"));
    }

    /** Whether an edge is in the groups ranked by place: not busy, unless all are. */
    private boolean eligible(EdgeStatus status, boolean allBusy) {
        return allBusy || status.load() <= maxLoad;
    }

    /**
     * The index of the eligible edge in {@code group} with the highest score, or -1. Ties go to the earlier edge, or
     * with {@code nearerFirst} to the nearer (the nearest group is ordered by distance before it is sorted by score).
     */
    private int highestScore(List<EdgeStatus> available, double[] km, long keyHash, boolean allBusy,
                             boolean nearerFirst, java.util.function.IntPredicate group) {
        int winner = -1;
        double best = 0;
        for (int i = 0; i < available.size(); i++) {
            EdgeStatus status = available.get(i);
            if (!eligible(status, allBusy) || !group.test(i)) {
                continue;
            }
            double score = score(keyHash, status);
            if (winner < 0 || score > best || (nearerFirst && score == best && km[i] < km[winner])) {
                winner = i;
                best = score;
            }
        }
        return winner;
    }

    private static RankedEdge ranked(EdgeStatus status, double km, String reason) {
        return new RankedEdge(status.edge(), km, status.load(), reason);
    }

    /** An available edge with its distance to the viewer (-1 when unknown) and its rendezvous score. */
    private record Candidate(EdgeStatus status, double km, double score) {
        RankedEdge ranked(String reason) {
            return new RankedEdge(status.edge(), km, status.load(), reason);
        }
    }

    private static void addByScore(List<RankedEdge> ranked, List<Candidate> group, String reason) {
        group.sort(Comparator.comparingDouble(Candidate::score).reversed());
        for (Candidate candidate : group) {
            ranked.add(candidate.ranked(reason));
        }
    }

    /** The distances from one viewer location to the edges of one registry snapshot, in its order. */
    private record Distances(List<EdgeStatus> snapshot, double[] km) {
    }

    /**
     * Each available edge's distance from the viewer (-1 when unknown), remembered per viewer location until the
     * registry's snapshot changes: great-circle distances (asin, cos) for every edge were a tenth of the router's
     * time per request, and the same places ask again and again.
     */
    private double[] distances(Viewer viewer, List<EdgeStatus> available) {
        if (viewer.location().isEmpty()) {
            double[] unknown = new double[available.size()];
            java.util.Arrays.fill(unknown, -1);
            return unknown;
        }
        GeoPoint at = viewer.location().get();
        Distances known = recentDistances.getIfPresent(at);
        if (known != null && known.snapshot() == available) {
            return known.km();
        }
        double[] km = new double[available.size()];
        for (int i = 0; i < km.length; i++) {
            km[i] = distance(viewer, available.get(i));
        }
        recentDistances.put(at, new Distances(available, km));
        return km;
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
        return score(keyHash(key), status);
    }

    private static double score(long keyHash, EdgeStatus status) {
        double spare = Math.max(0.05, 1 - Math.min(1, status.load()));
        long hash = mix(fnv1a(keyHash, status.edge().name()));
        double unit = ((hash >>> 11) + 0.5) / (1L << 53);
        return spare / -Math.log(unit);
    }

    /** FNV-1a over the key's UTF-8 bytes and a NUL: the part of every edge's hash that the key decides. */
    private static long keyHash(String key) {
        long hash = fnv1a(FNV_OFFSET, key);
        return hash * 0x100000001b3L; // the NUL byte: hash ^ 0 is hash (no string built per request)
    }

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;

    private static long fnv1a(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return fnv1aBytes(hash, text.substring(i).getBytes(StandardCharsets.UTF_8));
            }
            hash ^= c; // ASCII: the char is its UTF-8 byte
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static long fnv1aBytes(long hash, byte[] bytes) {
        for (byte b : bytes) {
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
