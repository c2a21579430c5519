package io.streamcdn.edge;

import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin goes away while viewers watch: the edge goes on serving a whole session from its cache (every
 * file of every rendition a player had fetched, with ranges and conditional requests), serves the manifests
 * stale once they expire, says it is degraded in {@code /health}, and when the origin is back revalidates and
 * is healthy again. {@link EdgeFaultsTest#withTheOriginDownCachedObjectsAreServedThenStaleThenRefused} already
 * proves the single-object rules (an uncached object is a 502 naming the upstream, past stale-if-error a 502);
 * this is the viewer's session, with the origin's real process stopped and started again on its port.
 */
class EdgesServeCachedAndStaleCopiesWhileTheOriginIsDownTest {

    private static final String ID = "originaway";

    @TempDir
    Path originData;
    @TempDir
    Path cacheDir;
    private final MutableClock clock = new MutableClock();

    @Test
    void aSessionKeepsPlayingFromTheEdgeThenTheEdgeRevalidatesWhenTheOriginIsBack() throws Exception {
        int originPort;
        try (ServerSocket free = new ServerSocket(0)) {
            originPort = free.getLocalPort();
        }
        TestOrigin origin = TestOrigin.start(originData, b -> b.port(originPort));
        OriginFiles files = new OriginFiles(origin, originData);
        Map<String, byte[]> session = new LinkedHashMap<>();
        session.put("manifest.mpd", "<MPD type=\"static\"/>".getBytes(StandardCharsets.UTF_8));
        session.put("master.m3u8", "#EXTM3U\n".getBytes(StandardCharsets.UTF_8));
        for (String track : new String[] {"720p", "360p", "audio"}) {
            session.put(track + "/playlist.m3u8", "#EXTM3U\n#EXTINF:2.0,\nseg-00001.m4s\n".getBytes(StandardCharsets.UTF_8));
            session.put(track + "/init.mp4", null);
            for (int n = 1; n <= 3; n++) {
                session.put(track + "/seg-0000" + n + ".m4s", null);
            }
        }
        for (Map.Entry<String, byte[]> file : session.entrySet()) {
            file.setValue(file.getValue() == null ? files.publish(ID, file.getKey(), 40_000)
                    : files.publish(ID, file.getKey(), file.getValue()));
        }
        files.catalogue(ID); // so the restarted origin keeps them
        try (TestEdge edge = TestEdge.start("edge-alone", cacheDir, "http://127.0.0.1:" + originPort, clock,
                b -> b.upstreamTimeout("2s"))) {
            for (String file : session.keySet()) {
                assertThat(edge.get(OriginFiles.url(ID, file)).headers().firstValue("X-Cache")).contains("MISS");
            }
            edge.awaitMetric("streamcdn_edge_stored_total", session.size());
            String manifestTag = edge.get(OriginFiles.url(ID, "manifest.mpd")).headers().firstValue("ETag").orElseThrow();

            origin.close();
            awaitHealth(edge, "degraded");

            for (Map.Entry<String, byte[]> file : session.entrySet()) {
                HttpResponse<byte[]> cached = edge.get(OriginFiles.url(ID, file.getKey()));
                assertThat(cached.statusCode()).as(file.getKey()).isEqualTo(200);
                assertThat(cached.headers().firstValue("X-Cache")).as(file.getKey()).contains("HIT");
                assertThat(cached.body()).as(file.getKey()).isEqualTo(file.getValue());
            }

            clock.advance(Duration.ofSeconds(61)); // manifests and playlists (max-age=60) expire; segments never do
            HttpResponse<byte[]> staleManifest = edge.get(OriginFiles.url(ID, "manifest.mpd"));
            assertThat(staleManifest.headers().firstValue("X-Cache")).contains("STALE");
            assertThat(staleManifest.body()).isEqualTo(session.get("manifest.mpd"));
            HttpResponse<byte[]> stalePlaylist = edge.get(OriginFiles.url(ID, "360p/playlist.m3u8"));
            assertThat(stalePlaylist.headers().firstValue("X-Cache")).contains("STALE");
            HttpResponse<byte[]> notModified = edge.get(OriginFiles.url(ID, "manifest.mpd"), "If-None-Match", manifestTag);
            assertThat(notModified.statusCode()).isEqualTo(304);
            HttpResponse<byte[]> range = edge.get(OriginFiles.url(ID, "720p/seg-00002.m4s"), "Range", "bytes=100-199");
            assertThat(range.statusCode()).isEqualTo(206);
            assertThat(range.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(range.body()).isEqualTo(Arrays.copyOfRange(session.get("720p/seg-00002.m4s"), 100, 200));
            assertThat(edge.metric("streamcdn_edge_upstream_requests_total{outcome=\"unreachable\"")).isPositive();

            TestOrigin back = TestOrigin.start(originData, b -> b.port(originPort));
            try {
                HttpResponse<byte[]> revalidated = edge.get(OriginFiles.url(ID, "manifest.mpd"));
                assertThat(revalidated.headers().firstValue("X-Cache")).contains("REVALIDATED");
                assertThat(revalidated.body()).isEqualTo(session.get("manifest.mpd"));
                awaitHealth(edge, "ok");
            } finally {
                back.close();
            }
        }
    }

    /** Waits (the edge probes its upstream every 5 s) until /health says {@code status}; it answers 200 all along. */
    private static void awaitHealth(TestEdge edge, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<byte[]> health = edge.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonObject body = new JsonObject(new String(health.body(), StandardCharsets.UTF_8));
            if (status.equals(body.getString("status"))) {
                assertThat(body.getJsonObject("upstream").getBoolean("reachable")).isEqualTo(status.equals("ok"));
                return;
            }
            assertThat(System.nanoTime()).as("/health says " + status + "; last: " + body.encode()).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
