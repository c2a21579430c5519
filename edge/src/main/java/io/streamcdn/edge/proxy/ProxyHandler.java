package io.streamcdn.edge.proxy;

import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.EntityTag;
import io.streamcdn.common.http.HttpDate;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.common.http.ServeDecision;
import io.streamcdn.common.http.WholeBody;
import io.streamcdn.common.http.Validators;
import io.streamcdn.edge.cache.CacheEntry;
import io.streamcdn.edge.cache.CachedResponse;
import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.cache.HotObjects;
import io.streamcdn.common.security.SignedUrlGate;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * {@code GET|HEAD /videos/**} on an edge:
 * <ol>
 *   <li>fresh in the cache: served from its file with {@code sendFile} ({@code X-Cache: HIT}), with 304,
 *       206 and 416 answered from the stored validators and length;</li>
 *   <li>cached but stale: revalidated upstream with its validators; a 304 serves the cached body
 *       ({@code REVALIDATED}), a new body replaces it ({@code MISS});</li>
 *   <li>absent: fetched once however many viewers ask at the same time ({@link Fills}), each viewer
 *       receiving bytes as they arrive ({@link FillReader}), {@code X-Cache: MISS};</li>
 *   <li>the upstream unreachable, too slow or failing: the cached copy while stale-if-error allows
 *       ({@code STALE}), else 502 or 504 with a JSON reason.</li>
 * </ol>
 * A Range request that misses fetches the whole object once (it is cached whole) and is answered from it
 * as its bytes arrive. Every response carries {@code Via} and {@code X-Cache}; cached ones {@code Age}.
 */
public final class ProxyHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);

    private final DiskCache cache;
    private final Fills fills;
    private final Prefetcher prefetcher;
    private final ProxyMetrics metrics;
    private final String name;
    private final String via;
    private final Clock clock;
    private final HotObjects hot;
    private final BooleanSupplier stopping;

    /** @param stopping true once the edge has begun a graceful stop */
    public ProxyHandler(DiskCache cache, HotObjects hot, Fills fills, Prefetcher prefetcher, ProxyMetrics metrics,
                        String name, Clock clock, BooleanSupplier stopping) {
        this.clock = clock;
        this.stopping = stopping;
        this.hot = hot;
        this.cache = cache;
        this.fills = fills;
        this.prefetcher = prefetcher;
        this.metrics = metrics;
        this.name = name;
        this.via = "1.1 " + name;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // A verified signed request is cached and fetched as its unsigned path.
        Optional<String> parsed = CacheKey.of(SignedUrlGate.videoPath(ctx));
        if (parsed.isEmpty()) {
            ctx.fail(HttpProblem.badRequest("bad_path", "not the path of a published video file; "
                    + "they look like /videos/{id}/720p/seg-00001.m4s"));
            return;
        }
        String key = parsed.get();
        String incomingVia = request.getHeader("Via");
        if (incomingVia != null && viaNames(incomingVia).contains(name)) {
            LOG.error("request loop: {} came back through this edge ({}); check --parent", key, incomingVia);
            ctx.fail(new HttpProblem(new ApiError(508, "loop_detected", "the request already passed through edge "
                    + name + " (Via: " + incomingVia + "); the edges' --parent settings form a loop")));
            return;
        }
        CacheEntry entry = cache.get(key);
        if (entry != null && entry.response().isFresh(clock.millis())) {
            if (entry.claimPrefetchHit()) {
                metrics.prefetchHit();
            }
            serveEntry(ctx, key, entry, CacheStatus.HIT);
        } else {
            fetch(ctx, key, entry);
        }
    }

    private void serveEntry(RoutingContext ctx, String key, CacheEntry entry, CacheStatus status) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        CachedResponse cached = entry.response();
        long now = clock.millis();
        for (Map.Entry<String, String> header : cached.headers()) {
            if (!header.getKey().equalsIgnoreCase("Via")) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
        decorate(response, cached.header("Via").orElse(null), status, cached.ageSeconds(now));
        response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");

        ServeDecision decision = ServeDecision.decide(ServeDecision.Request.of(request), entry.validators());
        if (!answerConditions(ctx, decision, cached.length(), status)) {
            return;
        }
        long offset = 0;
        long length = cached.length();
        if (decision instanceof ServeDecision.Partial partial) {
            offset = partial.range().offset();
            length = partial.range().length();
            response.setStatusCode(206).putHeader("Content-Range", partial.range().contentRange(cached.length()));
        }
        if (request.method() == HttpMethod.HEAD || length == 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
            metrics.served(status, 0);
            afterServed(request, key);
            return;
        }
        long bodyBytes = length;
        Buffer inMemory = hot.get(entry);
        if (inMemory != null) {
            Buffer body = inMemory.slice((int) offset, (int) (offset + length));
            if (stopping.getAsBoolean()) {
                WholeBody.end(response, body);
            } else {
                // One write: ending after the write costs about 15 % more CPU per 64 KB hit (bench edge-vs-nginx
                // --small-kb 64), and matters only while the edge stops.
                response.end(body);
            }
            metrics.served(status, bodyBytes);
            afterServed(request, key);
            return;
        }
        if (HotObjects.fits(cached.length())) {
            // Kept in memory from now on; this response still goes out from the file.
            ctx.vertx().fileSystem().readFile(entry.body().toString()).onSuccess(body -> hot.put(entry, body));
        }
        response.sendFile(entry.body().toString(), offset, length).onComplete(sent -> {
            if (sent.succeeded()) {
                metrics.served(status, bodyBytes);
                afterServed(request, key);
            } else if (vanished(sent.cause()) && !response.headWritten()) {
                // Evicted between the lookup and the send: fetch it again.
                cache.remove(entry);
                response.headers().clear();
                response.setStatusCode(200);
                fetch(ctx, key, null);
            } else if (!response.ended() && !response.closed()) {
                response.reset();
            }
        });
    }

    /**
     * 304, 412 and 416 end the response here (false); 200 and 206 go on (true). RFC 9110 §15.4.5: a 304
     * carries the headers a 200 would.
     */
    private boolean answerConditions(RoutingContext ctx, ServeDecision decision, long size, CacheStatus status) {
        if (decision instanceof ServeDecision.NotModified) {
            ctx.response().setStatusCode(304).end();
            metrics.served(status, 0);
            return false;
        }
        if (decision instanceof ServeDecision.PreconditionFailed failed) {
            metrics.served(status, 0);
            ctx.fail(HttpProblem.preconditionFailed(failed.reason()));
            return false;
        }
        if (decision instanceof ServeDecision.RangeNotSatisfiable) {
            metrics.served(status, 0);
            ctx.fail(HttpProblem.rangeNotSatisfiable(size));
            return false;
        }
        return true;
    }

    private void fetch(RoutingContext ctx, String key, CacheEntry stale) {
        HttpServerRequest request = ctx.request();
        Map<String, String> upstreamHeaders = upstreamHeaders(request, stale);
        Fills.Joined joined = fills.join(key, stale, upstreamHeaders);
        Fill fill = joined.fill();
        if (!joined.started()) {
            metrics.coalesced();
        }
        metrics.waiting(1);
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                fill.removeReader();
                metrics.waiting(-1);
            }
        };
        Context context = ctx.vertx().getOrCreateContext();
        ctx.response().closeHandler(ignored -> release.run());
        fill.outcome().whenComplete((outcome, error) -> context.runOnContext(ignored -> {
            if (ctx.response().closed()) {
                release.run();
                return;
            }
            if (outcome instanceof FillOutcome.Streaming streaming) {
                stream(ctx, key, fill, streaming, release, upstreamHeaders);
                return;
            }
            release.run();
            if (outcome instanceof FillOutcome.NotModified notModified) {
                serveEntry(ctx, key, notModified.entry(), CacheStatus.REVALIDATED);
            } else {
                FillOutcome.Failed failed = outcome instanceof FillOutcome.Failed f ? f
                        : new FillOutcome.Failed(502, "upstream_error", "the upstream exchange failed: " + error);
                fallBack(ctx, key, stale, failed);
            }
        }));
    }

    /** The upstream failed: the stale copy if stale-if-error still allows it, else the error. */
    private void fallBack(RoutingContext ctx, String key, CacheEntry stale, FillOutcome.Failed failed) {
        CacheEntry candidate = stale != null ? stale : cache.peek(key);
        if (candidate != null && candidate.response().servableOnError(clock.millis())) {
            LOG.warn("serving stale {}: {}", key, failed.reason());
            serveEntry(ctx, key, candidate, CacheStatus.STALE);
            return;
        }
        HttpServerResponse response = ctx.response();
        decorate(response, null, CacheStatus.MISS, -1);
        metrics.served(CacheStatus.MISS, 0);
        JsonErrors.send(response, failed.status(), failed.error(), failed.reason()
                + (candidate == null ? "; the edge has no copy of " + key
                : "; the edge's copy of " + key + " is too old to serve (past stale-if-error)"));
    }

    private void stream(RoutingContext ctx, String key, Fill fill, FillOutcome.Streaming head, Runnable release,
                        Map<String, String> upstreamHeaders) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        String upstreamVia = null;
        for (Map.Entry<String, String> header : head.headers()) {
            if (header.getKey().equalsIgnoreCase("Via")) {
                upstreamVia = header.getValue();
            } else {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
        decorate(response, upstreamVia, CacheStatus.MISS, head.freshness().initialAgeSeconds());
        response.setStatusCode(head.status());

        long from = 0;
        long to = Long.MAX_VALUE;
        if (head.status() == 200 && head.length() >= 0) {
            response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
            ServeDecision decision = ServeDecision.decide(ServeDecision.Request.of(request),
                    validators(head.headers(), head.length()));
            if (!answerConditions(ctx, decision, head.length(), CacheStatus.MISS)) {
                release.run();
                return;
            }
            to = head.length();
            if (decision instanceof ServeDecision.Partial partial) {
                from = partial.range().offset();
                to = from + partial.range().length();
                response.setStatusCode(206).putHeader("Content-Range", partial.range().contentRange(head.length()));
            }
        } else if (head.length() >= 0) {
            to = head.length();
        }
        boolean knownLength = to != Long.MAX_VALUE;
        if (knownLength) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(to - from));
        } else {
            response.setChunked(true);
        }
        if (request.method() == HttpMethod.HEAD || knownLength && to == from) {
            response.end();
            release.run();
            metrics.served(CacheStatus.MISS, 0);
            return;
        }
        boolean isOk = head.status() == 200;
        Context context = ctx.vertx().getOrCreateContext();
        new FillReader(context, fill, response, from, to, sent -> {
            release.run();
            metrics.served(CacheStatus.MISS, sent);
            if (isOk) {
                afterServed(request, key);
            }
        }).start();
        // The reader's closeHandler replaced ours; it releases too.
    }

    private void afterServed(HttpServerRequest request, String key) {
        prefetcher.after(key, Map.of("Via", via));
    }

    /** Via, Age, X-Cache and Date on every proxied response. */
    private void decorate(HttpServerResponse response, String upstreamVia, CacheStatus status, long ageSeconds) {
        response.putHeader("Via", upstreamVia == null ? via : upstreamVia + ", " + via);
        response.putHeader("X-Cache", status.name());
        if (ageSeconds >= 0) {
            response.putHeader(HttpHeaders.AGE, Long.toString(ageSeconds));
        }
    }

    private Map<String, String> upstreamHeaders(HttpServerRequest request, CacheEntry stale) {
        Map<String, String> headers = new HashMap<>();
        String incomingVia = request.getHeader("Via");
        headers.put("Via", incomingVia == null ? via : incomingVia + ", " + via);
        if (stale != null) {
            stale.response().etag().ifPresent(tag -> headers.put(HttpHeaders.IF_NONE_MATCH.toString(), tag));
            stale.response().lastModified().ifPresent(date ->
                    headers.put(HttpHeaders.IF_MODIFIED_SINCE.toString(), date));
        }
        return headers;
    }

    private static Validators validators(List<Map.Entry<String, String>> headers, long length) {
        Optional<EntityTag> tag = Optional.ofNullable(EndToEndHeaders.get(headers, "ETag")).flatMap(EntityTag::parse);
        OptionalLong modified = Optional.ofNullable(EndToEndHeaders.get(headers, "Last-Modified"))
                .flatMap(HttpDate::parseEpochSeconds).map(OptionalLong::of).orElse(OptionalLong.empty());
        return new Validators(length, tag, modified);
    }

    /** The names in a Via header: {@code 1.1 edge-a, 1.1 edge-b} gives edge-a and edge-b. */
    private static List<String> viaNames(String header) {
        return java.util.Arrays.stream(header.split(","))
                .map(String::strip)
                .map(part -> part.contains(" ") ? part.substring(part.indexOf(' ') + 1).strip() : part)
                .map(part -> part.contains(" ") ? part.substring(0, part.indexOf(' ')) : part)
                .toList();
    }

    private static boolean vanished(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof NoSuchFileException || e instanceof java.io.FileNotFoundException) {
                return true;
            }
        }
        return false;
    }
}
