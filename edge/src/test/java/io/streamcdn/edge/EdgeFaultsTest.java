package io.streamcdn.edge;

import io.streamcdn.edge.testing.CuttingProxy;
import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.SilentServer;
import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.TestOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an edge does when its upstream fails: stale copies, clear errors, and nothing half-stored. */
class EdgeFaultsTest {

    @TempDir
    Path originData;
    @TempDir
    Path cacheDir;
    private final MutableClock clock = new MutableClock();

    @Test
    void withTheOriginDownCachedObjectsAreServedThenStaleThenRefused() throws Exception {
        TestOrigin origin = TestOrigin.start(originData, 1L << 20);
        OriginFiles files = new OriginFiles(origin, originData);
        byte[] segment = files.publish("origindown", "720p/seg-00001.m4s", 20_000);
        files.publish("origindown", "manifest.mpd", "<MPD/>".getBytes(StandardCharsets.UTF_8));
        files.publish("origindown", "720p/seg-00002.m4s", 20_000);
        String segPath = OriginFiles.url("origindown", "720p/seg-00001.m4s");
        String mpdPath = OriginFiles.url("origindown", "manifest.mpd");
        try (TestEdge edge = TestEdge.start("edge-a", cacheDir, "http://127.0.0.1:" + origin.port(), clock,
                b -> b.upstreamTimeout("2s"))) {
            edge.get(segPath);
            edge.get(mpdPath);
            origin.close();

            HttpResponse<byte[]> cachedSegment = edge.get(segPath);
            assertThat(cachedSegment.statusCode()).isEqualTo(200);
            assertThat(cachedSegment.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(cachedSegment.body()).isEqualTo(segment);

            clock.advance(Duration.ofSeconds(61)); // the manifest expires
            HttpResponse<byte[]> stale = edge.get(mpdPath);
            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(stale.headers().firstValue("X-Cache")).contains("STALE");
            assertThat(new String(stale.body(), StandardCharsets.UTF_8)).isEqualTo("<MPD/>");

            HttpResponse<byte[]> uncached = edge.get(OriginFiles.url("origindown", "720p/seg-00002.m4s"));
            assertThat(uncached.statusCode()).isEqualTo(502);
            assertThat(new String(uncached.body(), StandardCharsets.UTF_8))
                    .contains("upstream_unreachable").contains("could not be reached").contains("no copy");

            clock.advance(Duration.ofHours(2)); // past the default stale-if-error of 1 h
            HttpResponse<byte[]> tooOld = edge.get(mpdPath);
            assertThat(tooOld.statusCode()).isEqualTo(502);
            assertThat(new String(tooOld.body(), StandardCharsets.UTF_8)).contains("too old");
            assertThat(edge.metric("streamcdn_edge_requests_total{cache=\"stale\"")).isEqualTo(1);
        }
    }

    @Test
    void anUpstreamServerErrorServesTheStaleCopyOrA502() throws Exception {
        try (io.streamcdn.edge.testing.FlakyUpstream upstream = new io.streamcdn.edge.testing.FlakyUpstream("<MPD/>");
             TestEdge edge = TestEdge.start("edge-a", cacheDir, upstream.url(), clock, b -> b)) {
            String cached = OriginFiles.url("flakyvideo", "manifest.mpd");
            assertThat(edge.get(cached).headers().firstValue("X-Cache")).contains("MISS");
            edge.awaitMetric("streamcdn_edge_stored_total", 1);

            upstream.answer(503);
            clock.advance(Duration.ofSeconds(61));
            HttpResponse<byte[]> stale = edge.get(cached);
            HttpResponse<byte[]> uncached = edge.get(OriginFiles.url("flakyvideo", "720p/seg-00001.m4s"));

            assertThat(stale.statusCode()).isEqualTo(200);
            assertThat(stale.headers().firstValue("X-Cache")).contains("STALE");
            assertThat(new String(stale.body(), StandardCharsets.UTF_8)).isEqualTo("<MPD/>");
            assertThat(uncached.statusCode()).isEqualTo(502);
            assertThat(new String(uncached.body(), StandardCharsets.UTF_8)).contains("upstream_error", "answered 503");
            assertThat(edge.metric("streamcdn_edge_upstream_requests_total{outcome=\"server_error\"")).isEqualTo(2);

            upstream.answer(200); // recovered: the next use revalidates and is fresh again
            assertThat(edge.get(cached).headers().firstValue("X-Cache")).contains("REVALIDATED");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersIsA504() throws Exception {
        try (SilentServer silent = new SilentServer();
             TestEdge edge = TestEdge.start("edge-a", cacheDir, silent.url(), clock, b -> b.upstreamTimeout("500ms"))) {
            HttpResponse<byte[]> response = edge.get(OriginFiles.url("silent", "720p/seg-00001.m4s"));

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("upstream_timeout");
            assertThat(edge.get("/health").statusCode()).isEqualTo(200); // still serving
        }
    }

    @Test
    void aBodyCutOffUpstreamAbortsTheViewersResponseAndIsNotCached() throws Exception {
        try (TestOrigin origin = TestOrigin.start(originData, 1L << 20)) {
            OriginFiles files = new OriginFiles(origin, originData);
            byte[] content = files.publish("cutoff", "720p/seg-00001.m4s", 500_000);
            String path = OriginFiles.url("cutoff", "720p/seg-00001.m4s");
            try (CuttingProxy cutting = new CuttingProxy(origin.port(), 100_000, 1);
                 TestEdge edge = TestEdge.start("edge-a", cacheDir, cutting.url(), clock, b -> b)) {

                assertThatThrownBy(() -> edge.get(path)).isInstanceOf(IOException.class);
                edge.server().settleCache();
                assertThat(filesUnder(cacheDir.resolve("objects"))).isZero();
                assertThat(edge.metric("streamcdn_edge_stored_total")).isZero();
                assertThat(edge.metric("streamcdn_edge_upstream_broken_total")).isEqualTo(1);

                HttpResponse<byte[]> retry = edge.get(path);
                assertThat(retry.statusCode()).isEqualTo(200);
                assertThat(retry.headers().firstValue("X-Cache")).contains("MISS");
                assertThat(retry.body()).isEqualTo(content);
            }
        }
    }

    @Test
    void aViewerWhoLeavesMidDownloadDoesNotStopTheFill() throws Exception {
        try (TestOrigin origin = TestOrigin.start(originData, 1L << 20)) {
            OriginFiles files = new OriginFiles(origin, originData);
            byte[] content = files.publish("leaver", "720p/seg-00001.m4s", 2_000_000);
            String path = OriginFiles.url("leaver", "720p/seg-00001.m4s");
            try (TestEdge edge = TestEdge.start("edge-a", cacheDir, "http://127.0.0.1:" + origin.port(), clock, b -> b)) {
                try (java.net.Socket viewer = new java.net.Socket("127.0.0.1", edge.port())) {
                    viewer.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: edge\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    viewer.getOutputStream().flush();
                    assertThat(viewer.getInputStream().readNBytes(1000)).hasSize(1000); // then hang up
                }
                edge.awaitMetric("streamcdn_edge_stored_total", 1);
                HttpResponse<byte[]> next = edge.get(path);

                assertThat(next.headers().firstValue("X-Cache")).contains("HIT");
                assertThat(next.body()).isEqualTo(content);
                assertThat(edge.metric("streamcdn_edge_waiting_requests")).isZero();
            }
        }
    }

    static long filesUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        }
    }

    static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
