package io.streamcdn.edge.registration;

import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.TestEdge;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole edge with {@code --router}: it registers at start, reports its load, and deregisters when it stops. */
class EdgeRegistrationTest {

    @Test
    void anEdgeWithARouterBeatsAtStartAndDeregistersOnShutdown(@TempDir Path cacheDir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (StubRouter router = StubRouter.start(vertx, 0)) {
            TestEdge edge = TestEdge.start("edge-reg", cacheDir, "http://127.0.0.1:9", new MutableClock(),
                    b -> b.router(router.url()).publicUrl("http://127.0.0.1:18081").location("48.85,2.35")
                            .capacityMbps(100));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (router.heartbeats().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            edge.get("/health"); // a client connection the next beats may count
            edge.close();

            JsonObject beat = router.heartbeats().get(0).json();
            assertThat(router.heartbeats().get(0).path()).isEqualTo("/api/edges/edge-reg/heartbeat");
            assertThat(beat.getString("name")).isEqualTo("edge-reg");
            assertThat(beat.getString("url")).isEqualTo("http://127.0.0.1:18081");
            assertThat(beat.getJsonObject("location").getDouble("lat")).isEqualTo(48.85);
            assertThat(beat.getJsonObject("capacity").getLong("bitsPerSecond")).isEqualTo(100_000_000L);
            assertThat(beat.getJsonObject("cache").getLong("maxBytes")).isEqualTo(10L << 30);
            assertThat(beat.getJsonObject("load").getLong("connections")).isGreaterThanOrEqualTo(0);
            List<StubRouter.Request> requests = router.requests();
            StubRouter.Request last = requests.get(requests.size() - 1);
            assertThat(last.method()).isEqualTo(HttpMethod.DELETE);
            assertThat(last.path()).isEqualTo("/api/edges/edge-reg");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
