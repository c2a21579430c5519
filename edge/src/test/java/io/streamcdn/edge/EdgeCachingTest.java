package io.streamcdn.edge;

import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.TestOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/** A real origin and a real edge on 127.0.0.1: what the edge caches, and what it answers from its cache. */
class EdgeCachingTest {

    @TempDir
    static Path originData;
    private static TestOrigin origin;
    private static OriginFiles files;

    @TempDir
    Path cacheDir;
    private final MutableClock clock = new MutableClock();
    private TestEdge edge;

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = TestOrigin.start(originData, 1L << 20);
        files = new OriginFiles(origin, originData);
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.close();
    }

    @BeforeEach
    void startEdge() throws Exception {
        edge = TestEdge.start("edge-test", cacheDir, "http://127.0.0.1:" + origin.port(), clock, b -> b);
    }

    @AfterEach
    void stopEdge() throws Exception {
        edge.close();
    }

    @Test
    void aMissIsFetchedOnceThenServedFromTheCacheByteForByte() throws Exception {
        byte[] content = files.publish("missthenhit", "720p/seg-00001.m4s", 300_000);
        String path = OriginFiles.url("missthenhit", "720p/seg-00001.m4s");
        long before = files.servedCount();

        HttpResponse<byte[]> miss = edge.get(path);
        edge.awaitMetric("streamcdn_edge_stored_total", 1); // the viewer can be done before the store is
        HttpResponse<byte[]> hit = edge.get(path);

        assertThat(miss.statusCode()).isEqualTo(200);
        assertThat(miss.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(miss.body()).isEqualTo(content);
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(hit.body()).isEqualTo(content);
        assertThat(hit.headers().firstValue("Content-Type")).contains("video/mp4");
        assertThat(hit.headers().firstValue("ETag")).isEqualTo(miss.headers().firstValue("ETag"));
        assertThat(hit.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(hit.headers().firstValue("Via")).contains("1.1 edge-test");
        assertThat(hit.headers().firstValue("Age")).isPresent();
        assertThat(files.servedCount() - before).isEqualTo(1);
    }

    @Test
    void aClientWithTheCurrentETagGetsA304FromTheCache() throws Exception {
        files.publish("conditional", "720p/init.mp4", 1_500);
        String path = OriginFiles.url("conditional", "720p/init.mp4");
        String etag = edge.get(path).headers().firstValue("ETag").orElseThrow();
        edge.awaitMetric("streamcdn_edge_stored_total", 1);

        HttpResponse<byte[]> notModified = edge.get(path, "If-None-Match", etag);
        HttpResponse<byte[]> otherTag = edge.get(path, "If-None-Match", "\"something-else\"");

        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(notModified.headers().firstValue("ETag")).contains(etag);
        assertThat(otherTag.statusCode()).isEqualTo(200);
    }

    @Test
    void rangesAreServedOnAMissAndOnAHit() throws Exception {
        byte[] content = files.publish("ranges", "720p/seg-00001.m4s", 100_000);
        String path = OriginFiles.url("ranges", "720p/seg-00001.m4s");

        HttpResponse<byte[]> missRange = edge.get(path, "Range", "bytes=1000-1999");
        edge.awaitMetric("streamcdn_edge_stored_total", 1); // the whole object is stored behind the range
        HttpResponse<byte[]> hitRange = edge.get(path, "Range", "bytes=-500");
        HttpResponse<byte[]> beyond = edge.get(path, "Range", "bytes=200000-");

        assertThat(missRange.statusCode()).isEqualTo(206);
        assertThat(missRange.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(missRange.headers().firstValue("Content-Range")).contains("bytes 1000-1999/100000");
        assertThat(missRange.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
        assertThat(hitRange.statusCode()).isEqualTo(206);
        assertThat(hitRange.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(hitRange.body()).isEqualTo(Arrays.copyOfRange(content, 99_500, 100_000));
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */100000");
    }

    @Test
    void twoHundredConcurrentColdRequestsCostTheOriginOneRequest() throws Exception {
        byte[] content = files.publish("coalesce", "720p/seg-00001.m4s", 1_000_000);
        String path = OriginFiles.url("coalesce", "720p/seg-00001.m4s");
        long before = files.servedCount();
        ExecutorService pool = Executors.newFixedThreadPool(200);
        try {
            List<CompletableFuture<HttpResponse<byte[]>>> responses = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 200; i++) {
                responses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        ready.await();
                        return edge.get(path);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            ready.countDown();
            for (CompletableFuture<HttpResponse<byte[]>> response : responses) {
                HttpResponse<byte[]> r = response.get();
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(content);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(files.servedCount() - before).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_coalesced_requests_total")).isGreaterThan(0);
    }

    @Test
    void anExpiredObjectIsRevalidatedAndA304RefreshesIt() throws Exception {
        files.publish("revalidate", "manifest.mpd", "<MPD v1/>".getBytes(StandardCharsets.UTF_8));
        String path = OriginFiles.url("revalidate", "manifest.mpd");
        assertThat(edge.get(path).headers().firstValue("X-Cache")).contains("MISS");
        edge.awaitMetric("streamcdn_edge_stored_total", 1);
        long before = files.servedCount();

        clock.advance(Duration.ofSeconds(61)); // manifests are fresh for 60 s
        HttpResponse<byte[]> revalidated = edge.get(path);
        HttpResponse<byte[]> freshAgain = edge.get(path);

        assertThat(revalidated.headers().firstValue("X-Cache")).contains("REVALIDATED");
        assertThat(new String(revalidated.body(), StandardCharsets.UTF_8)).isEqualTo("<MPD v1/>");
        assertThat(freshAgain.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(files.servedCount() - before).isEqualTo(1); // one conditional GET, answered 304
        assertThat(edge.metric("streamcdn_edge_upstream_requests_total{outcome=\"not_modified\"")).isEqualTo(1);

        files.publish("revalidate", "manifest.mpd", "<MPD v2/>".getBytes(StandardCharsets.UTF_8));
        clock.advance(Duration.ofSeconds(61));
        HttpResponse<byte[]> changed = edge.get(path);
        assertThat(changed.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(new String(changed.body(), StandardCharsets.UTF_8)).isEqualTo("<MPD v2/>");
        assertThat(new String(edge.get(path).body(), StandardCharsets.UTF_8)).isEqualTo("<MPD v2/>");
    }

    @Test
    void unknownVideosAndBadPathsAreClearErrors() throws Exception {
        HttpResponse<byte[]> missing = edge.get(OriginFiles.url("nosuchvideo", "720p/seg-00001.m4s"));
        HttpResponse<byte[]> traversal = edge.get("/videos/abcdef/../../etc/passwd");
        HttpResponse<byte[]> encoded = edge.get("/videos/abcdef/%2e%2e/secret");
        HttpResponse<byte[]> post = edge.send(HttpRequest.newBuilder(edge.uri(OriginFiles.url("abcdef", "x.m4s")))
                .POST(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(traversal.statusCode()).isIn(400, 404);
        assertThat(encoded.statusCode()).isEqualTo(400);
        assertThat(new String(encoded.body(), StandardCharsets.UTF_8)).contains("bad_path");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD, OPTIONS");
        assertThat(edge.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestThatAlreadyPassedThroughThisEdgeIsALoop() throws Exception {
        HttpResponse<byte[]> loop = edge.get(OriginFiles.url("abcdef", "manifest.mpd"), "Via", "1.1 other, 1.1 edge-test");

        assertThat(loop.statusCode()).isEqualTo(508);
        assertThat(new String(loop.body(), StandardCharsets.UTF_8)).contains("loop_detected");
    }

    @Test
    void headIsAnsweredWithoutABodyAndStillFillsTheCache() throws Exception {
        files.publish("headfill", "720p/seg-00001.m4s", 50_000);
        String path = OriginFiles.url("headfill", "720p/seg-00001.m4s");

        HttpResponse<byte[]> head = edge.send(HttpRequest.newBuilder(edge.uri(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        // The HEAD is answered as soon as the headers arrive; the body keeps filling the cache behind it.
        edge.awaitMetric("streamcdn_edge_stored_total", 1);
        HttpResponse<byte[]> get = edge.get(path);

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Length")).contains("50000");
        assertThat(head.body()).isEmpty();
        assertThat(get.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(get.body()).hasSize(50_000);
    }

    @Test
    void healthAndMetricsDescribeTheCacheTheUpstreamAndTheTraffic() throws Exception {
        files.publish("observed", "720p/seg-00001.m4s", 25_000);
        edge.get(OriginFiles.url("observed", "720p/seg-00001.m4s"));
        edge.awaitMetric("streamcdn_edge_stored_total", 1);
        edge.get(OriginFiles.url("observed", "720p/seg-00001.m4s"));

        io.vertx.core.json.JsonObject health = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            health = new io.vertx.core.json.JsonObject(edge.text("/health"));
            if (health.getJsonObject("upstream").getBoolean("reachable")) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(health.getString("status")).isEqualTo("ok");
        assertThat(health.getString("name")).isEqualTo("edge-test");
        assertThat(health.getJsonObject("cache").getLong("entries")).isEqualTo(1);
        assertThat(health.getJsonObject("cache").getLong("bytes")).isGreaterThan(25_000);
        assertThat(health.getJsonObject("cache").getLong("maxBytes")).isEqualTo(10L << 30);
        assertThat(health.getJsonObject("upstream").getString("url")).isEqualTo("http://127.0.0.1:" + origin.port());

        assertThat(edge.metric("streamcdn_edge_requests_total{cache=\"miss\"")).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_requests_total{cache=\"hit\"")).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_response_bytes_total{cache=\"hit\"")).isEqualTo(25_000);
        assertThat(edge.metric("streamcdn_edge_upstream_requests_total{outcome=\"ok\"")).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_upstream_latency_seconds_count")).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_cache_entries")).isEqualTo(1);
        assertThat(edge.metric("streamcdn_edge_open_connections")).isGreaterThanOrEqualTo(1);
        String metrics = edge.text("/metrics");
        assertThat(metrics).contains("streamcdn_edge_upstream_latency_seconds_bucket", "streamcdn_edge_waiting_requests",
                "streamcdn_edge_coalesced_requests_total", "streamcdn_edge_prefetch_total", "streamcdn_edge_prefetch_hits_total",
                "streamcdn_edge_cache_evictions", "streamcdn_edge_cache_max_bytes", "cache_gets_total{cache=\"edge\"");
        assertThat(metrics).doesNotContain("observed"); // no video ids in labels
    }

    @Test
    void backToBackRequestsForSmallObjectsCostOneUpstreamRequestEach() throws Exception {
        long before = files.servedCount();
        for (int i = 0; i < 20; i++) {
            String relative = String.format("audio/seg-%05d.m4s", i + 1);
            byte[] content = files.publish("backtoback", relative, 2_000);
            assertThat(edge.get(OriginFiles.url("backtoback", relative)).body()).isEqualTo(content);
            assertThat(edge.get(OriginFiles.url("backtoback", relative)).body()).isEqualTo(content);
        }
        assertThat(files.servedCount() - before).isEqualTo(20);
    }

    @Test
    void smallHotObjectsAreServedFromMemoryWithTheSameBytesRangesAndValidators() throws Exception {
        byte[] content = files.publish("hotsmall", "720p/init.mp4", 4_096);
        String path = OriginFiles.url("hotsmall", "720p/init.mp4");
        edge.get(path);
        edge.awaitMetric("streamcdn_edge_stored_total", 1);
        edge.get(path); // from disk; loads it into memory
        edge.awaitMetric("streamcdn_edge_memory_bytes", 4_096);

        HttpResponse<byte[]> whole = edge.get(path);
        HttpResponse<byte[]> range = edge.get(path, "Range", "bytes=100-199");
        HttpResponse<byte[]> notModified = edge.get(path, "If-None-Match", whole.headers().firstValue("ETag").orElseThrow());

        assertThat(whole.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(whole.body()).isEqualTo(content);
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));
        assertThat(notModified.statusCode()).isEqualTo(304);
    }
}
