package io.streamcdn.router;

import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.testing.TestOrigin;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The router goes away while a viewer plays: the viewer, who already holds its edge's URLs (from the router's
 * redirect), keeps fetching segments from the edge, cached and uncached alike, because an edge serves without
 * the router. The edge notices (its heartbeats go unanswered) and carries on; when a router comes back on the
 * same address the edge registers again by itself and new viewers are redirected to it. All real servers:
 * origin, edge and router on 127.0.0.1.
 */
class ViewersKeepFetchingFromTheirEdgeWhileTheRouterIsDownTest {

    private static final String ID = "routeraway1";

    @TempDir
    Path dir;
    private final HttpClient viewer = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aPlayingViewerKeepsFetchingSegmentsFromItsEdgeAndTheEdgeRegistersAgainWhenTheRouterIsBack() throws Exception {
        int routerPort = freePort();
        int edgePort = freePort();
        byte[][] segments = new byte[6][];
        try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"), 1L << 20)) {
            // Published by hand after the origin started (at start it removes folders the catalog does not know).
            Path video = dir.resolve("origin/videos").resolve(ID);
            Files.createDirectories(video.resolve("720p"));
            Files.writeString(video.resolve("manifest.mpd"), "<MPD type=\"static\"/>");
            Random random = new Random(3);
            for (int n = 1; n < segments.length; n++) {
                segments[n] = new byte[30_000];
                random.nextBytes(segments[n]);
                Files.write(video.resolve("720p/seg-0000" + n + ".m4s"), segments[n]);
            }
            TestRouter router = TestRouter.start(b -> b.port(routerPort).defaultLocation("52.37,4.89"));
            boolean routerUp = true;
            EdgeServer edge = EdgeServer.start(EdgeConfig.builder().host("127.0.0.1").port(edgePort).name("edge-stays")
                    .origin("http://127.0.0.1:" + origin.port()).cacheDir(dir.resolve("edge-cache")).prefetch(0)
                    .router(router.url()).publicUrl("http://127.0.0.1:" + edgePort).location("52.37,4.89").build())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                router.await(TestRouter.available("edge-stays", true), "the edge registered and healthy",
                        Duration.ofSeconds(30));
                HttpResponse<String> redirect = send(router.url() + "/videos/" + ID + "/manifest.mpd");
                assertThat(redirect.statusCode()).isEqualTo(302);
                String manifestUrl = redirect.headers().firstValue("Location").orElseThrow();
                String base = manifestUrl.substring(0, manifestUrl.lastIndexOf('/') + 1);
                assertThat(base).isEqualTo("http://127.0.0.1:" + edgePort + "/videos/" + ID + "/");
                assertThat(send(manifestUrl).statusCode()).isEqualTo(200);
                assertThat(bytes(base + "720p/seg-00001.m4s")).isEqualTo(segments[1]);

                router.close();
                routerUp = false;
                String routerUrl = router.url();
                assertThatThrownBy(() -> send(routerUrl + "/health")).as("the router is gone")
                        .isInstanceOf(java.net.ConnectException.class);

                for (int n = 2; n < segments.length; n++) { // not cached yet: the edge fetches them from the origin
                    assertThat(bytes(base + "720p/seg-0000" + n + ".m4s")).as("segment " + n).isEqualTo(segments[n]);
                }
                assertThat(bytes(base + "720p/seg-00001.m4s")).isEqualTo(segments[1]);
                awaitEdgeMetric(edgePort, "streamcdn_edge_heartbeats_total{outcome=\"unreachable\"", 1);
                assertThat(edgeMetric(edgePort, "streamcdn_edge_router_registered")).isZero();
                HttpResponse<String> health = send("http://127.0.0.1:" + edgePort + "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(new JsonObject(health.body()).getString("status")).isEqualTo("ok");

                router = TestRouter.start(b -> b.port(routerPort).defaultLocation("52.37,4.89")); // empty registry
                routerUp = true;
                // The next beat (every 5 s) registers it, the router's first health check makes it available.
                router.await(TestRouter.available("edge-stays", true), "the edge registered again by its heartbeat",
                        Duration.ofSeconds(30));
                HttpResponse<String> newViewer = send(router.url() + "/videos/" + ID + "/720p/seg-00002.m4s");
                assertThat(newViewer.statusCode()).isEqualTo(302);
                assertThat(newViewer.headers().firstValue("X-Edge")).contains("edge-stays");
            } finally {
                edge.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (routerUp) {
                    router.close();
                }
            }
        }
    }

    /** GET without following redirects. */
    private HttpResponse<String> send(String url) throws Exception {
        return viewer.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private byte[] bytes(String url) throws Exception {
        HttpResponse<byte[]> response = viewer.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    private double edgeMetric(int port, String prefix) throws Exception {
        return send("http://127.0.0.1:" + port + "/metrics").body().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Waits for the edge's next beat (one every 5 s) to count. */
    private void awaitEdgeMetric(int port, String prefix, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (edgeMetric(port, prefix) < atLeast) {
            assertThat(System.nanoTime()).as(prefix + " reaches " + atLeast).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }
}
