package io.streamcdn.router;

import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.media.SampleVideo;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with real parts: an origin encodes a real (generated) video, an edge registers itself with
 * the router by its own heartbeats, and a client that follows redirects plays the manifest, the init segment
 * and a media segment through router → edge → origin.
 */
class RedirectEndToEndTest {

    @Test
    void aPlayerFollowingRedirectsGetsARealVideoThroughTheRouterAndAnEdge(@TempDir Path dir) throws Exception {
        Path sample = dir.resolve("sample.mp4");
        SampleVideo.write(sample, 2);
        try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"), 64L << 20);
             TestRouter router = TestRouter.start(b -> b.defaultLocation("52.37,4.89"))) {
            String id = new JsonObject(origin.upload("?title=e2e", "video/mp4", Files.readAllBytes(sample)).body())
                    .getString("id");
            origin.awaitVideo(id, v -> TestOrigin.inState(v, "ready"), Duration.ofSeconds(120), v -> { });

            int edgePort;
            try (ServerSocket free = new ServerSocket(0)) {
                edgePort = free.getLocalPort();
            }
            EdgeServer edge = EdgeServer.start(EdgeConfig.builder().host("127.0.0.1").port(edgePort).name("edge-e2e")
                    .origin("http://127.0.0.1:" + origin.port()).cacheDir(dir.resolve("edge-cache"))
                    .router(router.url()).publicUrl("http://127.0.0.1:" + edgePort).location("52.37,4.89").build())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                router.await(TestRouter.available("edge-e2e", true), "the edge registered and healthy");
                HttpClient player = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

                HttpResponse<String> manifest = player.send(HttpRequest.newBuilder(
                        URI.create(router.url() + "/videos/" + id + "/manifest.mpd")).build(), HttpResponse.BodyHandlers.ofString());
                String rendition = origin.video(id).getJsonArray("renditions").getJsonObject(0).getString("id");
                HttpResponse<byte[]> init = player.send(HttpRequest.newBuilder(
                        URI.create(router.url() + "/videos/" + id + "/" + rendition + "/init.mp4")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                HttpResponse<byte[]> segment = player.send(HttpRequest.newBuilder(
                        URI.create(router.url() + "/videos/" + id + "/" + rendition + "/seg-00001.m4s")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                byte[] fromOrigin = Files.readAllBytes(dir.resolve("origin/videos").resolve(id).resolve(rendition)
                        .resolve("seg-00001.m4s"));

                assertThat(manifest.statusCode()).isEqualTo(200);
                assertThat(manifest.uri().getPort()).isEqualTo(edgePort); // served by the edge, after the 302
                assertThat(manifest.body()).contains("<MPD").contains("SegmentTemplate");
                assertThat(manifest.headers().firstValue("X-Cache")).contains("MISS");
                assertThat(init.statusCode()).isEqualTo(200);
                assertThat(new String(init.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
                assertThat(segment.body()).isEqualTo(fromOrigin);
            } finally {
                edge.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            // The edge deregistered on its way out.
            assertThat(router.edges().stream().map(e -> ((JsonObject) e).getString("name"))).doesNotContain("edge-e2e");
        }
    }
}
