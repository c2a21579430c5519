package io.streamcdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The edge's bounded disk cache. Bodies and their metadata are files under {@code objects/}; which of them
 * stay is decided by a Caffeine index weighted by bytes (W-TinyLFU admission and eviction: a one-off
 * request does not push out what many viewers keep asking for). Evicting, replacing or purging an entry
 * deletes its files, so the folder holds at most {@code maxBytes} of entries plus the bodies still being
 * downloaded under {@code tmp/}.
 * <pre>
 *   cache-dir/objects/3f/3f9c...e1-18c2a.body   the body, exactly as the upstream sent it
 *   cache-dir/objects/3f/3f9c...e1-18c2a.meta   its {@link CachedResponse} as JSON
 *   cache-dir/tmp/18c2b.part                    a body being downloaded
 * </pre>
 * File names carry a generation, so a new body for a key never overwrites one a viewer is still being
 * sent. The body is moved into place before its metadata: after a crash a metadata file always has its
 * body, and {@link #open} discards everything else.
 *
 * <p>Every method that touches the disk blocks: call it from a worker thread, never an event loop.
 * {@link #get}, {@link #peek} and the counters are in-memory.
 */
public final class DiskCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);
    private static final String BODY = ".body";
    private static final String META = ".meta";

    private final Path objects;
    private final Path tmp;
    private final long maxBytes;
    private final ExecutorService maintenance;
    private final Cache<String, CacheEntry> index;
    private final AtomicLong generation = new AtomicLong(System.currentTimeMillis() << 12);
    private final AtomicLong evictions = new AtomicLong();

    private DiskCache(Path dir, long maxBytes) {
        this.objects = dir.resolve("objects");
        this.tmp = dir.resolve("tmp");
        this.maxBytes = maxBytes;
        // Caffeine's upkeep (eviction and the file deletes it causes) runs here, never on an event loop.
        this.maintenance = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "edge-cache-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        this.index = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, CacheEntry entry) -> entry.weight())
                .executor(maintenance)
                .removalListener((String key, CacheEntry entry, RemovalCause cause) -> removed(entry, cause))
                .recordStats()
                .build();
    }

    /** Opens the cache in {@code dir}, rebuilding the index from the files there (disk work: blocks). */
    public static DiskCache open(Path dir, long maxBytes) throws IOException {
        DiskCache cache = new DiskCache(dir, maxBytes);
        Files.createDirectories(cache.objects);
        Files.createDirectories(cache.tmp);
        cache.rebuild();
        return cache;
    }

    /** Exposes Caffeine's own statistics (gets, evictions, size) under {@code cache_*{cache="edge"}}. */
    public void bindMetrics(MeterRegistry registry) {
        CaffeineCacheMetrics.monitor(registry, index, "edge");
    }

    /** The entry for {@code key}, counted as a use for the eviction policy; null when absent. */
    public CacheEntry get(String key) {
        return index.getIfPresent(key);
    }

    /** The entry for {@code key} without counting a use (prefetch checks); null when absent. */
    public CacheEntry peek(String key) {
        return index.policy().getIfPresentQuietly(key);
    }

    /** A fresh path under {@code tmp/} for a body about to be downloaded; nothing is created yet. */
    public Path newTempFile() {
        return tmp.resolve(Long.toHexString(generation.incrementAndGet()) + ".part");
    }

    /**
     * Makes a completely downloaded body an entry: writes its metadata, moves both into {@code objects/} and
     * indexes them (replacing, and so deleting, any older body of the same key). Blocks.
     */
    public CacheEntry commit(CachedResponse response, Path downloaded, boolean prefetched) throws IOException {
        String base = fileBase(response.key());
        Path body = objects.resolve(base.substring(0, 2)).resolve(base + BODY);
        Path metadata = body.resolveSibling(base + META);
        Files.createDirectories(body.getParent());
        byte[] json = response.toJson().encode().getBytes(StandardCharsets.UTF_8);
        Path metadataTmp = newTempFile();
        Files.write(metadataTmp, json);
        Files.move(downloaded, body, StandardCopyOption.ATOMIC_MOVE);
        Files.move(metadataTmp, metadata, StandardCopyOption.ATOMIC_MOVE);
        CacheEntry entry = new CacheEntry(body, metadata, response, weight(response.length(), json.length), prefetched);
        index.put(response.key(), entry);
        return entry;
    }

    /** Swaps an entry's metadata after a revalidation (a 304): same body, new headers and freshness. Blocks. */
    public void refresh(CacheEntry entry, CachedResponse refreshed) throws IOException {
        Path metadataTmp = newTempFile();
        Files.write(metadataTmp, refreshed.toJson().encode().getBytes(StandardCharsets.UTF_8));
        Files.move(metadataTmp, entry.metadata(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        entry.response(refreshed);
        if (index.policy().getIfPresentQuietly(entry.key()) != entry) {
            // Evicted meanwhile: its body is gone, so the metadata just written must go too.
            Files.deleteIfExists(entry.metadata());
        }
    }

    /** Drops one entry (its object was deleted upstream); its files go with it. */
    public void remove(CacheEntry entry) {
        index.asMap().remove(entry.key(), entry);
    }

    /** Drops every entry whose key starts with {@code prefix}; returns how many and their bytes. */
    public Purged purge(String prefix) {
        long count = 0;
        long bytes = 0;
        for (String key : List.copyOf(index.asMap().keySet())) {
            if (key.startsWith(prefix)) {
                CacheEntry removed = index.asMap().remove(key);
                if (removed != null) {
                    count++;
                    bytes += removed.weight();
                }
            }
        }
        return new Purged(count, bytes);
    }

    /** What a purge removed. */
    public record Purged(long objects, long bytes) {
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Bytes of the indexed entries (bodies and metadata). */
    public long bytes() {
        return index.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    public long entries() {
        return index.estimatedSize();
    }

    /** Entries pushed out by the size limit since start. */
    public long evictions() {
        return evictions.get();
    }

    /** Runs pending eviction now and waits for the file deletes it causes; for tests and shutdown. */
    public void settle() {
        index.cleanUp();
        try {
            maintenance.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("cache maintenance did not settle: {}", e.toString());
        }
    }

    @Override
    public void close() {
        settle();
        maintenance.shutdown();
    }

    private void removed(CacheEntry entry, RemovalCause cause) {
        if (cause.wasEvicted()) {
            evictions.incrementAndGet();
        }
        delete(entry.body());
        delete(entry.metadata());
    }

    private static int weight(long bodyBytes, long metadataBytes) {
        return (int) Math.min(Integer.MAX_VALUE, bodyBytes + metadataBytes);
    }

    private String fileBase(String key) {
        return sha256(key) + "-" + Long.toHexString(generation.incrementAndGet());
    }

    private static String sha256(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * Indexes what a previous run left: metadata whose body is there with the recorded length, oldest first
     * (so the policy starts from the arrival order), the newest generation when a key has several.
     * Downloads that never finished, bodies without metadata and unreadable metadata are deleted.
     */
    private void rebuild() throws IOException {
        long started = System.nanoTime();
        int discarded = clearFolder(tmp);
        Map<String, Found> newest = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(objects, 2)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!name.endsWith(META)) {
                if (!name.endsWith(BODY) || !Files.exists(siblingOf(file, META))) {
                    delete(file);
                    discarded++;
                }
                continue;
            }
            Path body = siblingOf(file, BODY);
            Found found = read(file, body);
            if (found == null) {
                delete(file);
                delete(body);
                discarded++;
                continue;
            }
            Found previous = newest.get(found.response.key());
            if (previous != null) {
                Found older = previous.generation < found.generation ? previous : found;
                delete(older.metadata);
                delete(older.body);
                discarded++;
                if (older == found) {
                    continue;
                }
            }
            newest.put(found.response.key(), found);
        }
        List<Found> ordered = new ArrayList<>(newest.values());
        ordered.sort(Comparator.comparingLong(f -> f.response.responseTimeMillis()));
        for (Found found : ordered) {
            index.put(found.response.key(), new CacheEntry(found.body, found.metadata, found.response,
                    weight(found.response.length(), found.metadataBytes), false));
        }
        settle();
        LOG.info("disk cache: {} objects, {} bytes kept from the last run, {} files discarded, in {} ms",
                entries(), bytes(), discarded, (System.nanoTime() - started) / 1_000_000);
    }

    private record Found(CachedResponse response, Path body, Path metadata, long metadataBytes, long generation) {
    }

    private static Found read(Path metadata, Path body) {
        try {
            byte[] json = Files.readAllBytes(metadata);
            CachedResponse response = CachedResponse.fromJson(new JsonObject(Buffer.buffer(json)));
            if (!Files.isRegularFile(body) || Files.size(body) != response.length()) {
                LOG.warn("disk cache: discarding {}: its body is missing or not {} bytes", response.key(),
                        response.length());
                return null;
            }
            String name = metadata.getFileName().toString();
            long generation = Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - META.length()), 16);
            return new Found(response, body, metadata, json.length, generation);
        } catch (IOException | RuntimeException e) {
            LOG.warn("disk cache: discarding unreadable {}: {}", metadata, e.toString());
            return null;
        }
    }

    private static Path siblingOf(Path file, String extension) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + extension);
    }

    private static int clearFolder(Path folder) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                delete(entry);
                count++;
            }
        }
        return count;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            LOG.warn("disk cache: could not delete {}: {}", file, e.toString());
        }
    }
}
