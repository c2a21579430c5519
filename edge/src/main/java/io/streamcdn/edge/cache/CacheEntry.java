package io.streamcdn.edge.cache;

import io.streamcdn.common.http.Validators;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One object in the disk cache: its body file, its metadata file, and the metadata itself. The body
 * never changes (a new body is a new entry with new files); a revalidation swaps the metadata.
 */
public final class CacheEntry {

    private final Path body;
    private final Path metadata;
    private final int weight;
    private final AtomicBoolean prefetched;
    private volatile CachedResponse response;
    private volatile Validators validators;

    CacheEntry(Path body, Path metadata, CachedResponse response, int weight, boolean prefetched) {
        this.body = body;
        this.metadata = metadata;
        this.response = response;
        this.validators = response.validators();
        this.weight = weight;
        this.prefetched = new AtomicBoolean(prefetched);
    }

    public String key() {
        return response.key();
    }

    public Path body() {
        return body;
    }

    Path metadata() {
        return metadata;
    }

    public CachedResponse response() {
        return response;
    }

    void response(CachedResponse refreshed) {
        this.validators = refreshed.validators();
        this.response = refreshed;
    }

    /** The stored validators, parsed once (a hit must not parse dates again). */
    public Validators validators() {
        return validators;
    }

    /** Bytes it holds on disk, body and metadata: what it weighs against the cache's limit. */
    public int weight() {
        return weight;
    }

    /**
     * True the first time a viewer asks for an object that prefetch stored, false ever after: how
     * prefetch hits are counted.
     */
    public boolean claimPrefetchHit() {
        return prefetched.compareAndSet(true, false);
    }

    @Override
    public String toString() {
        return response.toString();
    }
}
