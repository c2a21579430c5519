package io.streamcdn.edge;

import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The cache over time: its size limit, restarts, purges, prefetch, tiers and protocols. */
class EdgeCacheLifecycleTest {

    @TempDir
    static Path originData;
    private static TestOrigin origin;
    private static OriginFiles files;
    private static String originUrl;

    @TempDir
    Path cacheDir;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startOrigin() throws Exception {
        origin = TestOrigin.start(originData, 1L << 20);
        files = new OriginFiles(origin, originData);
        originUrl = "http://127.0.0.1:" + origin.port();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        origin.close();
    }

    @Test
    void evictionKeepsTheCacheFolderUnderItsLimit() throws Exception {
        long limit = 1L << 20;
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, originUrl, clock, b -> b.cacheMaxBytes(limit))) {
            for (int i = 1; i <= 15; i++) {
                String relative = String.format("720p/seg-%05d.m4s", i);
                byte[] content = files.publish("eviction", relative, 120_000);
                assertThat(edge.get(OriginFiles.url("eviction", relative)).body()).isEqualTo(content);
                edge.awaitMetric("streamcdn_edge_stored_total", i); // the viewer may finish before the store
                edge.server().settleCache();
                assertThat(EdgeFaultsTest.bytesUnder(cacheDir)).isLessThanOrEqualTo(limit);
            }
            assertThat(edge.metric("streamcdn_edge_cache_evictions")).isGreaterThan(0);
            assertThat(edge.metric("streamcdn_edge_cache_bytes")).isLessThanOrEqualTo(limit);
            assertThat(EdgeFaultsTest.filesUnder(cacheDir.resolve("tmp"))).isZero();
        }
    }

    @Test
    void aRestartedEdgeKeepsItsCacheAndDiscardsDamagedFiles() throws Exception {
        byte[] kept = files.publish("restart", "720p/seg-00001.m4s", 40_000);
        byte[] damaged = files.publish("restart", "720p/seg-00002.m4s", 40_000);
        String keptPath = OriginFiles.url("restart", "720p/seg-00001.m4s");
        String damagedPath = OriginFiles.url("restart", "720p/seg-00002.m4s");
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, originUrl, clock, b -> b)) {
            edge.get(keptPath);
            edge.get(damagedPath);
            edge.awaitMetric("streamcdn_edge_stored_total", 2);
        }
        // Damage: truncate one body, leave a half-downloaded file and a metadata file that is not JSON.
        Path truncated = bodyOf(damagedPath);
        Files.write(truncated, new byte[100]);
        Files.writeString(cacheDir.resolve("tmp/0123abcd.part"), "half a segment");
        Files.writeString(cacheDir.resolve("objects/zz-garbage-1.meta"), "{not json");

        long before = files.servedCount();
        try (TestEdge edge = TestEdge.start("edge-b", cacheDir, originUrl, clock, b -> b)) {
            HttpResponse<byte[]> hit = edge.get(keptPath);
            HttpResponse<byte[]> refetched = edge.get(damagedPath);

            assertThat(hit.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(hit.body()).isEqualTo(kept);
            assertThat(refetched.headers().firstValue("X-Cache")).contains("MISS");
            assertThat(refetched.body()).isEqualTo(damaged);
            assertThat(files.servedCount() - before).isEqualTo(1);
            assertThat(EdgeFaultsTest.filesUnder(cacheDir.resolve("tmp"))).isZero();
            assertThat(Files.exists(cacheDir.resolve("objects/zz-garbage-1.meta"))).isFalse();
        }
    }

    @Test
    void aPurgeDropsOneVideoAndNothingElse() throws Exception {
        files.publish("purgeme", "720p/seg-00001.m4s", 10_000);
        files.publish("purgeme", "manifest.mpd", 300);
        files.publish("keepme", "720p/seg-00001.m4s", 10_000);
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, originUrl, clock, b -> b)) {
            edge.get(OriginFiles.url("purgeme", "720p/seg-00001.m4s"));
            edge.get(OriginFiles.url("purgeme", "manifest.mpd"));
            edge.get(OriginFiles.url("keepme", "720p/seg-00001.m4s"));
            edge.awaitMetric("streamcdn_edge_stored_total", 3);

            HttpResponse<byte[]> purge = edge.send(HttpRequest.newBuilder(edge.uri("/api/cache/videos/purgeme")).DELETE());
            HttpResponse<byte[]> badId = edge.send(HttpRequest.newBuilder(edge.uri("/api/cache/videos/NOT..ok")).DELETE());
            edge.server().settleCache();

            assertThat(purge.statusCode()).isEqualTo(200);
            JsonObject result = new JsonObject(new String(purge.body(), StandardCharsets.UTF_8));
            assertThat(result.getLong("objects")).isEqualTo(2);
            assertThat(badId.statusCode()).isEqualTo(400);
            assertThat(edge.get(OriginFiles.url("purgeme", "720p/seg-00001.m4s")).headers().firstValue("X-Cache"))
                    .contains("MISS");
            assertThat(edge.get(OriginFiles.url("keepme", "720p/seg-00001.m4s")).headers().firstValue("X-Cache"))
                    .contains("HIT");
        }
    }

    @Test
    void prefetchMakesTheNextSegmentsHits() throws Exception {
        for (int i = 1; i <= 3; i++) {
            files.publish("prefetch", String.format("360p/seg-%05d.m4s", i), 30_000);
        }
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, originUrl, clock, b -> b.prefetch(2))) {
            assertThat(edge.get(OriginFiles.url("prefetch", "360p/seg-00001.m4s")).headers().firstValue("X-Cache"))
                    .contains("MISS");
            edge.awaitMetric("streamcdn_edge_prefetch_total{outcome=\"stored\"", 2);
            HttpResponse<byte[]> second = edge.get(OriginFiles.url("prefetch", "360p/seg-00002.m4s"));
            HttpResponse<byte[]> third = edge.get(OriginFiles.url("prefetch", "360p/seg-00003.m4s"));

            assertThat(second.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(third.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(edge.metric("streamcdn_edge_prefetch_hits_total")).isEqualTo(2);
            // seg-00004 and -00005 do not exist: tried once, remembered as absent, not an error for anyone.
            assertThat(edge.metric("streamcdn_edge_prefetch_total{outcome=\"stored\"")).isEqualTo(2);
        }
    }

    @Test
    void anEdgeChainFetchesThroughItsParentOnce() throws Exception {
        byte[] content = files.publish("chain01", "720p/seg-00001.m4s", 60_000);
        String path = OriginFiles.url("chain01", "720p/seg-00001.m4s");
        long before = files.servedCount();
        try (TestEdge parent = TestEdge.start("edge-mid", cacheDir.resolve("mid"), originUrl, clock, b -> b);
             TestEdge childA = TestEdge.start("edge-a", cacheDir.resolve("a"), originUrl, clock,
                     b -> b.parent(parent.baseUrl()));
             TestEdge childB = TestEdge.start("edge-b", cacheDir.resolve("b"), originUrl, clock,
                     b -> b.parent(parent.baseUrl()))) {
            HttpResponse<byte[]> first = childA.get(path);
            childA.awaitMetric("streamcdn_edge_stored_total", 1);
            parent.awaitMetric("streamcdn_edge_stored_total", 1);
            HttpResponse<byte[]> again = childA.get(path);
            HttpResponse<byte[]> sibling = childB.get(path);

            assertThat(first.body()).isEqualTo(content);
            assertThat(first.headers().firstValue("Via")).contains("1.1 edge-mid, 1.1 edge-a");
            assertThat(again.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(sibling.headers().firstValue("X-Cache")).contains("MISS");
            assertThat(sibling.body()).isEqualTo(content);
            assertThat(parent.metric("streamcdn_edge_requests_total{cache=\"hit\"")).isEqualTo(1);
            assertThat(files.servedCount() - before).isEqualTo(1);
        }
    }

    @Test
    void http2IsSpokenInCleartextAndOverTlsWithAlpn() throws Exception {
        byte[] content = files.publish("http201", "720p/seg-00001.m4s", 70_000);
        String path = OriginFiles.url("http201", "720p/seg-00001.m4s");
        SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
        Vertx vertx = Vertx.vertx();
        try (TestEdge plain = TestEdge.start("edge-h2c", cacheDir.resolve("plain"), originUrl, clock, b -> b);
             TestEdge tls = TestEdge.start("edge-tls", cacheDir.resolve("tls"), originUrl, clock,
                     b -> b.tls(Path.of(certificate.certificatePath()), Path.of(certificate.privateKeyPath())))) {
            HttpClient h2c = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setSsl(true).setUseAlpn(true).setTrustAll(true).setVerifyHost(false));

            Fetched overH2c = fetch(h2c, "http://127.0.0.1:" + plain.port() + path);
            Fetched overTls = fetch(h2, "https://localhost:" + tls.port() + path);
            Fetched tlsHit = fetch(h2, "https://localhost:" + tls.port() + path);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"HIT".equals(tlsHit.cache()) && System.nanoTime() < deadline) { // stored behind the first
                Thread.sleep(10);
                tlsHit = fetch(h2, "https://localhost:" + tls.port() + path);
            }

            assertThat(overH2c.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(overH2c.status()).isEqualTo(200);
            assertThat(overH2c.body()).isEqualTo(content);
            assertThat(overTls.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(overTls.body()).isEqualTo(content);
            assertThat(tlsHit.cache()).isEqualTo("HIT");
            assertThat(tlsHit.body()).isEqualTo(content);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            certificate.delete();
        }
    }

    @Test
    void everyCoreServesTheSamePort() throws Exception {
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, originUrl, clock, b -> b)) {
            assertThat(edge.server().boundPorts()).containsExactly(edge.port());
        }
    }

    private record Fetched(HttpVersion version, int status, String cache, byte[] body) {
    }

    private static Fetched fetch(HttpClient client, String url) throws Exception {
        return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
                .compose(request -> request.send())
                .compose((HttpClientResponse response) -> response.body().map((Buffer body) -> new Fetched(
                        response.version(), response.statusCode(), response.getHeader("X-Cache"), body.getBytes())))
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private Path bodyOf(String key) throws Exception {
        try (Stream<Path> walk = Files.walk(cacheDir.resolve("objects"))) {
            for (Path meta : walk.filter(p -> p.toString().endsWith(".meta")).toList()) {
                if (new JsonObject(Files.readString(meta)).getString("key").equals(key)) {
                    String name = meta.getFileName().toString();
                    return meta.resolveSibling(name.substring(0, name.length() - ".meta".length()) + ".body");
                }
            }
        }
        throw new AssertionError("no cached body for " + key);
    }
}
