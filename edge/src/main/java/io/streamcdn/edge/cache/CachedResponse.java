package io.streamcdn.edge.cache;

import io.streamcdn.common.http.EntityTag;
import io.streamcdn.common.http.HttpDate;
import io.streamcdn.common.http.Validators;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The metadata of one cached response, kept next to its body as JSON: the upstream's end-to-end headers,
 * the body's length, when it arrived and how long it stays fresh. Immutable: a revalidation makes a new
 * one ({@link #refreshed}).
 *
 * @param key                 the cache key (the request path)
 * @param headers             the stored response headers, in upstream order (names as sent)
 * @param length              bytes in the body
 * @param responseTimeMillis  when the response (or its latest revalidation) arrived, epoch millis
 * @param freshness           its lifetime, stale-if-error allowance and initial age
 */
public record CachedResponse(String key, List<Map.Entry<String, String>> headers, long length,
                             long responseTimeMillis, Freshness freshness) {

    public CachedResponse {
        headers = List.copyOf(headers);
    }

    /** Current age in seconds, RFC 9111 §4.2.3 (the edge's clock is the only one it trusts). */
    public long ageSeconds(long nowMillis) {
        return ageMillis(nowMillis) / 1000;
    }

    private long ageMillis(long nowMillis) {
        return Freshness.plus(Freshness.millis(freshness.initialAgeSeconds()), Math.max(0, nowMillis - responseTimeMillis));
    }

    public boolean isFresh(long nowMillis) {
        return ageMillis(nowMillis) < freshness.lifetimeMillis();
    }

    /** May still be served when the upstream fails (RFC 5861 stale-if-error). */
    public boolean servableOnError(long nowMillis) {
        return ageMillis(nowMillis) < Freshness.plus(freshness.lifetimeMillis(), freshness.staleIfErrorMillis());
    }

    public Optional<String> header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    public Optional<String> etag() {
        return header("ETag");
    }

    public Optional<String> lastModified() {
        return header("Last-Modified");
    }

    public Validators validators() {
        Optional<EntityTag> tag = etag().flatMap(EntityTag::parse);
        OptionalLong modified = lastModified().flatMap(HttpDate::parseEpochSeconds)
                .map(OptionalLong::of).orElse(OptionalLong.empty());
        return new Validators(length, tag, modified);
    }

    /**
     * After a 304: the stored headers updated with the ones the 304 carried (RFC 9111 §4.3.4), a new
     * response time and the freshness those headers now give.
     */
    public CachedResponse refreshed(List<Map.Entry<String, String>> notModifiedHeaders, long nowMillis,
                                    Freshness newFreshness) {
        List<Map.Entry<String, String>> merged = new ArrayList<>();
        for (Map.Entry<String, String> header : headers) {
            boolean replaced = notModifiedHeaders.stream().anyMatch(h -> h.getKey().equalsIgnoreCase(header.getKey()));
            if (!replaced) {
                merged.add(header);
            }
        }
        merged.addAll(notModifiedHeaders);
        return new CachedResponse(key, merged, length, nowMillis, newFreshness);
    }

    public JsonObject toJson() {
        JsonArray stored = new JsonArray();
        headers.forEach(h -> stored.add(new JsonArray().add(h.getKey()).add(h.getValue())));
        return new JsonObject()
                .put("key", key)
                .put("length", length)
                .put("responseTime", responseTimeMillis)
                .put("lifetimeMillis", freshness.lifetimeMillis())
                .put("staleIfErrorMillis", freshness.staleIfErrorMillis())
                .put("immutable", freshness.immutable())
                .put("initialAge", freshness.initialAgeSeconds())
                .put("headers", stored);
    }

    /** Reads what {@link #toJson()} wrote; throws IllegalArgumentException for anything else. */
    public static CachedResponse fromJson(JsonObject json) {
        try {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (Object item : json.getJsonArray("headers")) {
                JsonArray pair = (JsonArray) item;
                headers.add(Map.entry(pair.getString(0), pair.getString(1)));
            }
            String key = json.getString("key");
            long length = json.getLong("length");
            if (key == null || !key.startsWith("/") || length < 0) {
                throw new IllegalArgumentException("bad key or length");
            }
            Freshness freshness = new Freshness(true, json.getLong("lifetimeMillis"),
                    json.getLong("staleIfErrorMillis"), json.getBoolean("immutable"), json.getLong("initialAge"));
            return new CachedResponse(key, headers, length, json.getLong("responseTime"), freshness);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not cache metadata: " + e, e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d bytes)", key, length);
    }
}
