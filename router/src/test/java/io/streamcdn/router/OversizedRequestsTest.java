package io.streamcdn.router;

import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.common.testing.OversizedRequests;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router refuses requests over the shared limits ({@link RequestLimits}) with a JSON reason, on its fast
 * redirect path as on its API, and goes on serving: a URL over 4 KiB (414), headers over 8 KiB (431), a
 * heartbeat body over 16 KiB (413, and no edge registered).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedRequestsTest {

    private TestRouter router;

    @BeforeAll
    void start() throws Exception {
        router = TestRouter.start(b -> b);
    }

    @AfterAll
    void stop() throws Exception {
        router.close();
    }

    @AfterEach
    void stillServing() throws Exception {
        assertThat(router.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aUrlOverTheLimitIs414OnRedirectsAndTheApi() throws Exception {
        OversizedRequests.assertRefused(OversizedRequests.uriOverTheLimit(router.server().port(),
                "/videos/abc123def456/manifest.mpd"), 414, "uri_too_long");
        OversizedRequests.assertRefused(OversizedRequests.uriOverTheLimit(router.server().port(), "/api/route"),
                414, "uri_too_long");
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        OversizedRequests.assertRefused(OversizedRequests.headersOverTheLimit(router.server().port(),
                "/videos/abc123def456/manifest.mpd"), 431, "headers_too_large");
    }

    @Test
    void aHeartbeatOverTheJsonBodyLimitIs413AndRegistersNothing() throws Exception {
        JsonObject beat = heartbeat("edge-big").put("padding", "p".repeat(RequestLimits.MAX_JSON_BODY_BYTES));

        HttpResponse<String> refused = router.send(beatRequest("edge-big", beat));

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(refused.body()).getString("reason")).contains("larger than this router accepts");
        assertThat(router.edges()).isEmpty();
        HttpResponse<String> accepted = router.send(beatRequest("edge-small", heartbeat("edge-small")));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(204);
        router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/edge-small")).DELETE());
    }

    private static JsonObject heartbeat(String name) {
        return new JsonObject().put("contract", 1).put("name", name).put("url", "http://127.0.0.1:1")
                .put("capacity", new JsonObject().put("connections", 1000).put("bitsPerSecond", 1_000_000_000L))
                .put("load", new JsonObject().put("connections", 5).put("bitsPerSecond", 1000).put("ratio", 0.1));
    }

    private HttpRequest.Builder beatRequest(String name, JsonObject body) {
        return HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/" + name + "/heartbeat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }
}
