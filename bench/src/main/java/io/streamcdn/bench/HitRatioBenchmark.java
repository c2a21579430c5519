package io.streamcdn.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * Trace-driven comparison of the edge's cache policy (Caffeine: W-TinyLFU admission and eviction, weighted
 * by bytes, as the edge configures it) with plain LRU, on the same request trace: requests follow a
 * Zipf(s) popularity over a catalog of objects whose total size is {@code --catalog-ratio} times the cache
 * size, object sizes spread like CDN segments and manifests. The first tenth of the trace warms both caches
 * and is not counted. Prints request and byte hit ratios and the difference in points.
 */
@Command(name = "hit-ratio", mixinStandardHelpOptions = true,
        description = "Hit ratio of Caffeine's policy vs plain LRU on one Zipf request trace.")
final class HitRatioBenchmark implements Callable<Integer> {

    @Option(names = "--objects", defaultValue = "100000", description = "Objects in the catalog (default: ${DEFAULT-VALUE}).")
    int objects;

    @Option(names = "--requests", defaultValue = "3000000", description = "Requests in the trace (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--zipf", defaultValue = "0.8", description = "Zipf exponent of object popularity (default: ${DEFAULT-VALUE}).")
    double zipf;

    @Option(names = "--catalog-ratio", defaultValue = "10", description = "Catalog bytes / cache bytes (default: ${DEFAULT-VALUE}).")
    double catalogRatio;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        SplittableRandom random = new SplittableRandom(seed);
        int[] sizes = sizes(random);
        long catalogBytes = Arrays.stream(sizes).asLongStream().sum();
        long capacity = (long) (catalogBytes / catalogRatio);
        int[] trace = zipfTrace(random);
        // Popularity rank must not correlate with size: shuffle which object each rank names.
        int[] objectOfRank = shuffledIdentity(random);

        Result lru = run(new LruPolicy(capacity), trace, objectOfRank, sizes);
        Result caffeine = run(new CaffeinePolicy(capacity), trace, objectOfRank, sizes);

        System.out.printf(Locale.ROOT, "trace: %,d requests, Zipf(%.2f) over %,d objects (%.1f GB); cache %.1f GB (1/%.0f of the catalog)%n",
                requests, zipf, objects, catalogBytes / 1e9, capacity / 1e9, catalogRatio);
        System.out.printf(Locale.ROOT, "%-22s hit ratio %6.2f %%   byte hit ratio %6.2f %%%n", "LRU", lru.hitRatio(), lru.byteHitRatio());
        System.out.printf(Locale.ROOT, "%-22s hit ratio %6.2f %%   byte hit ratio %6.2f %%%n", "Caffeine (W-TinyLFU)",
                caffeine.hitRatio(), caffeine.byteHitRatio());
        System.out.printf(Locale.ROOT, "difference Caffeine - LRU: %+.2f points (requests), %+.2f points (bytes)%n",
                caffeine.hitRatio() - lru.hitRatio(), caffeine.byteHitRatio() - lru.byteHitRatio());
        return 0;
    }

    /** Sizes like a CDN's mix: 90 % media segments of 0.3-2 MB, 10 % small objects (manifests, init) of 1-8 KB. */
    private int[] sizes(SplittableRandom random) {
        int[] sizes = new int[objects];
        for (int i = 0; i < objects; i++) {
            sizes[i] = random.nextDouble() < 0.9 ? random.nextInt(300_000, 2_000_000) : random.nextInt(1_000, 8_000);
        }
        return sizes;
    }

    private int[] zipfTrace(SplittableRandom random) {
        double[] cdf = new double[objects];
        double sum = 0;
        for (int rank = 0; rank < objects; rank++) {
            sum += 1 / Math.pow(rank + 1, zipf);
            cdf[rank] = sum;
        }
        int[] trace = new int[requests];
        for (int i = 0; i < requests; i++) {
            int rank = Arrays.binarySearch(cdf, random.nextDouble() * sum);
            trace[i] = rank >= 0 ? rank : Math.min(objects - 1, -rank - 1);
        }
        return trace;
    }

    private int[] shuffledIdentity(SplittableRandom random) {
        int[] ids = new int[objects];
        for (int i = 0; i < objects; i++) {
            ids[i] = i;
        }
        for (int i = objects - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
        }
        return ids;
    }

    private Result run(Policy policy, int[] trace, int[] objectOfRank, int[] sizes) {
        int warmup = trace.length / 10;
        long hits = 0;
        long counted = 0;
        long hitBytes = 0;
        long bytes = 0;
        for (int i = 0; i < trace.length; i++) {
            int object = objectOfRank[trace[i]];
            boolean hit = policy.request(object, sizes[object]);
            if (i >= warmup) {
                counted++;
                bytes += sizes[object];
                if (hit) {
                    hits++;
                    hitBytes += sizes[object];
                }
            }
        }
        return new Result(hits, counted, hitBytes, bytes);
    }

    private record Result(long hits, long requests, long hitBytes, long bytes) {
        double hitRatio() {
            return 100.0 * hits / requests;
        }

        double byteHitRatio() {
            return 100.0 * hitBytes / bytes;
        }
    }

    private interface Policy {
        /** Looks {@code object} up; on a miss, offers it to the cache. Returns whether it was a hit. */
        boolean request(int object, int size);
    }

    /** Plain LRU bounded by bytes: every miss is admitted, the least recently used objects leave. */
    private static final class LruPolicy implements Policy {
        private final long capacity;
        private final LinkedHashMap<Integer, Integer> entries = new LinkedHashMap<>(1 << 16, 0.75f, true);
        private long used;

        LruPolicy(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public boolean request(int object, int size) {
            if (entries.get(object) != null) {
                return true;
            }
            entries.put(object, size);
            used += size;
            var it = entries.entrySet().iterator();
            while (used > capacity && it.hasNext()) {
                Map.Entry<Integer, Integer> eldest = it.next();
                used -= eldest.getValue();
                it.remove();
            }
            return false;
        }
    }

    /** Caffeine configured as the edge's index: maximum weight in bytes, weigher = object size. */
    private static final class CaffeinePolicy implements Policy {
        private final Cache<Integer, Integer> cache;

        CaffeinePolicy(long capacity) {
            cache = Caffeine.newBuilder()
                    .maximumWeight(capacity)
                    .weigher((Integer key, Integer size) -> size)
                    .executor(Runnable::run) // maintenance inline: deterministic for a simulation
                    .build();
        }

        @Override
        public boolean request(int object, int size) {
            if (cache.getIfPresent(object) != null) {
                return true;
            }
            cache.put(object, size);
            return false;
        }
    }
}
