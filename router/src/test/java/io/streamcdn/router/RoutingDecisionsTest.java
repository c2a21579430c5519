package io.streamcdn.router;

import io.streamcdn.router.testing.StubEdge;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real router with MaxMind's test GeoIP database and stand-in edges in Europe, America and Asia: who is sent
 * where, and what happens when edges fail or fill up. Viewers come "through a trusted proxy" (127.0.0.1) with
 * X-Forwarded-For set to the test networks' addresses.
 */
class RoutingDecisionsTest {

    private static final String LONDON = "81.2.69.142";
    private static final String MILTON_US = "216.160.83.57";
    private static final String CHANGCHUN = "175.16.199.10";

    private static Vertx vertx;
    private static StubEdge europe;
    private static StubEdge america;
    private static StubEdge asia;
    @TempDir
    static Path dir;
    private static Path edgesFile;

    @BeforeAll
    static void startEdges() throws Exception {
        vertx = Vertx.vertx();
        europe = new StubEdge(vertx);
        america = new StubEdge(vertx);
        asia = new StubEdge(vertx);
        edgesFile = Files.writeString(dir.resolve("edges.json"), new JsonObject().put("edges", new io.vertx.core.json.JsonArray()
                .add(edge("edge-eu", europe.url(), 51.5, -0.12).put("zone", "eu-west"))
                .add(edge("edge-us", america.url(), 47.6, -122.3))
                .add(edge("edge-asia", asia.url(), 39.9, 116.4).put("zone", "asia"))).encode());
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static JsonObject edge(String name, String url, double lat, double lon) {
        return new JsonObject().put("name", name).put("url", url).put("location", new JsonObject().put("lat", lat).put("lon", lon));
    }

    private static TestRouter router() throws Exception {
        TestRouter router = TestRouter.start(b -> b.edgesFile(edgesFile).geoip(TestRouter.GEOIP)
                .trustedProxies("127.0.0.1/32").defaultLocation("47.6,-122.3"));
        for (String name : new String[]{"edge-eu", "edge-us", "edge-asia"}) {
            router.await(TestRouter.available(name, true), name + " available");
        }
        return router;
    }

    @Test
    void viewersAreSentToTheNearestEdge() throws Exception {
        try (TestRouter router = router()) {
            assertThat(router.edgeFor(LONDON, "video001")).isEqualTo("edge-eu");
            assertThat(router.edgeFor(MILTON_US, "video001")).isEqualTo("edge-us");
            assertThat(router.edgeFor(CHANGCHUN, "video001")).isEqualTo("edge-asia");

            HttpResponse<String> redirect = router.get("/videos/video001/720p/seg-00003.m4s?x=1", "X-Forwarded-For", LONDON);
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).contains(europe.url() + "/videos/video001/720p/seg-00003.m4s?x=1");
            assertThat(redirect.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(router.metric("streamcdn_router_decisions_total{api=\"redirect\",edge=\"edge-eu\"")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theRouteApiExplainsTheViewerAndRanksEveryEdge() throws Exception {
        try (TestRouter router = router()) {
            JsonObject route = new JsonObject(router.get("/api/route?video=video001", "X-Forwarded-For", LONDON).body());

            assertThat(route.getJsonObject("client").getString("ip")).isEqualTo(LONDON);
            assertThat(route.getJsonObject("client").getString("source")).isEqualTo("geoip");
            assertThat(route.getJsonObject("client").getJsonObject("location").getDouble("lat")).isEqualTo(51.5142);
            assertThat(route.getJsonArray("edges").stream().map(e -> ((JsonObject) e).getString("name")))
                    .containsExactly("edge-eu", "edge-us", "edge-asia");
            JsonObject first = route.getJsonArray("edges").getJsonObject(0);
            assertThat(first.getString("reason")).isEqualTo("nearest");
            assertThat(route.getJsonArray("edges").stream().map(JsonObject.class::cast))
                    .as("without signing keys, every edge's base is its unsigned folder of the video")
                    .allSatisfy(e -> assertThat(e.getString("base")).isEqualTo(e.getString("url") + "/videos/video001/"));
            assertThat(first.getDouble("distanceKm")).isLessThan(20);
            assertThat(router.get("/api/route").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void withSigningKeysTheRedirectAndEveryEdgesBaseCarryAVerifiableSignedPrefix() throws Exception {
        io.streamcdn.common.security.SigningKeys keys = io.streamcdn.common.security.SigningKeys.of("k7",
                "a secret of at least thirty-two bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        io.streamcdn.common.security.UrlSigner verifier = new io.streamcdn.common.security.UrlSigner(keys,
                java.time.Duration.ofHours(1), java.time.Clock.systemUTC());
        try (TestRouter router = TestRouter.start(b -> b.edgesFile(edgesFile).geoip(TestRouter.GEOIP)
                .trustedProxies("127.0.0.1/32").defaultLocation("47.6,-122.3").signingKeys(java.util.Optional.of(keys)))) {
            for (String name : new String[]{"edge-eu", "edge-us", "edge-asia"}) {
                router.await(TestRouter.available(name, true), name + " available");
            }
            HttpResponse<String> redirect = router.get("/videos/video001/720p/seg-00003.m4s?x=1", "X-Forwarded-For", LONDON);
            JsonObject route = new JsonObject(router.get("/api/route?video=video001", "X-Forwarded-For", LONDON).body());

            String location = redirect.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(europe.url() + "/s/").endsWith("/k7/" + location.split("/")[6]
                    + "/videos/video001/720p/seg-00003.m4s?x=1");
            assertThat(verifier.verify(signed(java.net.URI.create(location).getPath())))
                    .isEqualTo(io.streamcdn.common.security.UrlSigner.Verdict.VALID);
            assertThat(route.getJsonArray("edges")).hasSize(3);
            assertThat(route.getJsonArray("edges").stream().map(JsonObject.class::cast)).allSatisfy(e -> {
                String base = e.getString("base");
                assertThat(base).startsWith(e.getString("url") + "/s/").endsWith("/videos/video001/");
                assertThat(verifier.verify(signed(java.net.URI.create(base + "manifest.mpd").getPath())))
                        .isEqualTo(io.streamcdn.common.security.UrlSigner.Verdict.VALID);
            });
        }
    }

    private static io.streamcdn.common.security.SignedPath signed(String path) {
        return ((io.streamcdn.common.security.SignedPath.Signed) io.streamcdn.common.security.SignedPath.parse(path))
                .path();
    }

    @Test
    void aCoverageZoneOverridesGeoIp() throws Exception {
        Path zones = Files.writeString(dir.resolve("zones.json"), """
                {"coverageZones": {"asia": {"network": ["81.2.69.0/24"]}, "eu-west": {"network6": ["2001:db8::/32"]}}}""");
        try (TestRouter router = TestRouter.start(b -> b.edgesFile(edgesFile).geoip(TestRouter.GEOIP)
                .coverageZones(zones).trustedProxies("127.0.0.1/32"))) {
            router.await(TestRouter.available("edge-asia", true), "edge-asia available");
            router.await(TestRouter.available("edge-eu", true), "edge-eu available");

            assertThat(router.edgeFor(LONDON, "video001")).isEqualTo("edge-asia");
            assertThat(router.edgeFor("2001:db8::42", "video001")).isEqualTo("edge-eu");
            JsonObject route = new JsonObject(router.get("/api/route?video=video001", "X-Forwarded-For", LONDON).body());
            assertThat(route.getJsonObject("client").getString("zone")).isEqualTo("asia");
            assertThat(route.getJsonArray("edges").getJsonObject(0).getString("reason")).isEqualTo("zone");
        }
    }

    @Test
    void anEdgeThatStopsAnsweringIsSkippedThenComesBack() throws Exception {
        try (TestRouter router = router()) {
            europe.healthy(false);
            router.await(TestRouter.available("edge-eu", false), "edge-eu unavailable");
            assertThat(router.edgeFor(LONDON, "video001")).isEqualTo("edge-us"); // next nearest to London

            europe.healthy(true);
            router.await(TestRouter.available("edge-eu", true), "edge-eu available again");
            assertThat(router.edgeFor(LONDON, "video001")).isEqualTo("edge-eu");
            assertThat(router.metric("streamcdn_router_edge_transitions_total{role=\"router\",to=\"unavailable\"")).isEqualTo(1);
        } finally {
            europe.healthy(true);
        }
    }

    @Test
    void withEveryEdgeDownViewersGetA503WithAReason() throws Exception {
        try (TestRouter router = router()) {
            europe.healthy(false);
            america.healthy(false);
            asia.healthy(false);
            for (String name : new String[]{"edge-eu", "edge-us", "edge-asia"}) {
                router.await(TestRouter.available(name, false), name + " unavailable");
            }
            HttpResponse<String> response = router.get("/videos/video001/manifest.mpd", "X-Forwarded-For", LONDON);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("no_edge_available");
            assertThat(router.get("/api/route?video=video001").statusCode()).isEqualTo(503);
        } finally {
            europe.healthy(true);
            america.healthy(true);
            asia.healthy(true);
        }
    }

    @Test
    void oneVideoSticksToOneEdgeVideosSpreadAndAFullEdgeIsSkipped() throws Exception {
        try (StubEdge london2 = new StubEdge(vertx);
             TestRouter router = router()) {
            // A second European edge 1 km away registers itself: both are within the tolerance for London.
            assertThat(heartbeat(router, "edge-eu2", london2.url(), 0.1).statusCode()).isEqualTo(204);
            router.await(TestRouter.available("edge-eu2", true), "edge-eu2 available");

            Map<String, String> first = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                first.put("video" + (100 + i), router.edgeFor(LONDON, "video" + (100 + i)));
            }
            for (Map.Entry<String, String> choice : first.entrySet()) {
                assertThat(router.edgeFor(LONDON, choice.getKey())).isEqualTo(choice.getValue());
            }
            assertThat(new HashSet<>(first.values())).containsExactlyInAnyOrder("edge-eu", "edge-eu2");

            assertThat(heartbeat(router, "edge-eu2", london2.url(), 0.95).statusCode()).isEqualTo(204);
            Set<String> whileFull = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                whileFull.add(router.edgeFor(LONDON, "video" + (100 + i)));
            }
            assertThat(whileFull).containsExactly("edge-eu");

            HttpResponse<String> left = router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/edge-eu2")).DELETE());
            assertThat(left.statusCode()).isEqualTo(204);
            assertThat(router.edges().stream().map(e -> ((JsonObject) e).getString("name"))).doesNotContain("edge-eu2");
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnoredAndBadAddressesAre400() throws Exception {
        try (TestRouter untrusting = TestRouter.start(b -> b.edgesFile(edgesFile).geoip(TestRouter.GEOIP)
                .defaultLocation("39.9,116.4"));
             TestRouter trusting = router()) {
            untrusting.await(TestRouter.available("edge-asia", true), "edge-asia available");
            // 127.0.0.1 is not a trusted proxy here: the spoofed London address is ignored, the default applies.
            assertThat(untrusting.edgeFor(LONDON, "video001")).isEqualTo("edge-asia");

            HttpResponse<String> bad = trusting.get("/videos/video001/manifest.mpd", "X-Forwarded-For", "not-an-ip");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("bad_client_address");
            assertThat(trusting.get("/videos/BAD/manifest.mpd").statusCode()).isEqualTo(400);
        }
    }

    @Test
    void everyAnswerIsCountedByRouteAndStatusAndPagesOfOtherOriginsMayReadIt() throws Exception {
        try (TestRouter router = router()) {
            HttpResponse<String> redirect = router.get("/videos/video001/manifest.mpd?x=1", "X-Forwarded-For", LONDON,
                    "Origin", "http://player.example");
            assertThat(redirect.statusCode()).isEqualTo(302);
            assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(
                    l -> assertThat(l).endsWith("/videos/video001/manifest.mpd?x=1"));
            assertThat(redirect.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(redirect.headers().firstValue("Date")).isPresent();
            assertThat(router.get("/videos/video002/init.mp4", "X-Forwarded-For", "999.1.1.1").statusCode()).isEqualTo(400);
            assertThat(router.get("/videos/BAD/manifest.mpd").statusCode()).isEqualTo(400);
            HttpResponse<String> route = router.get("/api/route?video=video001", "Origin", "http://player.example");
            assertThat(route.statusCode()).isEqualTo(200);
            assertThat(route.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

            assertThat(router.metric("streamcdn_router_requests_total{code=\"302\",role=\"router\",route=\"/videos/:id/*\"}"))
                    .isEqualTo(1.0);
            assertThat(router.metric("streamcdn_router_requests_total{code=\"400\",role=\"router\",route=\"/videos/:id/*\"}"))
                    .isEqualTo(2.0);
            assertThat(router.metric("streamcdn_router_requests_total{code=\"200\",role=\"router\",route=\"/api/route\"}"))
                    .isEqualTo(1.0);
            assertThat(router.metric("streamcdn_router_refused_total{api=\"redirect\",role=\"router\"}")).isEqualTo(1.0);
            assertThat(router.get("/metrics").body()).doesNotContain("vertx_http_server_requests_total");
        }
    }

    @Test
    void anEdgeRegisteringWithAHostNameGetsItsAddressesForDns() throws Exception {
        try (StubEdge named = new StubEdge(vertx);
             TestRouter router = router()) {
            String url = named.url().replace("127.0.0.1", "localhost");
            assertThat(heartbeat(router, "edge-named", url, 0.1).statusCode()).isEqualTo(204);

            JsonObject registered = router.edges().stream().map(JsonObject.class::cast)
                    .filter(e -> e.getString("name").equals("edge-named")).findFirst().orElseThrow();
            assertThat(registered.getJsonArray("addresses").getList()).isNotEmpty()
                    .allSatisfy(a -> assertThat(java.net.InetAddress.getByName((String) a).isLoopbackAddress()).isTrue());
        }
    }

    @Test
    void malformedHeartbeatsAreRefusedWithAReason() throws Exception {
        try (TestRouter router = router()) {
            HttpResponse<String> notJson = router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/x1/heartbeat"))
                    .POST(HttpRequest.BodyPublishers.ofString("{nope")));
            HttpResponse<String> wrongName = heartbeat(router, "edge-zz", "http://127.0.0.1:1", 0, "other-name");
            HttpResponse<String> badUrl = router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/edge-zz/heartbeat"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"contract\":1,\"name\":\"edge-zz\",\"url\":\"ftp://x\"}")));

            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(wrongName.statusCode()).isEqualTo(400);
            assertThat(wrongName.body()).contains("is not the URL's");
            assertThat(badUrl.statusCode()).isEqualTo(400);
            assertThat(badUrl.body()).contains("not an absolute http(s) URL");
            assertThat(router.get("/health").statusCode()).isEqualTo(200);
        }
    }

    static HttpResponse<String> heartbeat(TestRouter router, String name, String url, double load) throws Exception {
        return heartbeat(router, name, url, load, name);
    }

    private static HttpResponse<String> heartbeat(TestRouter router, String name, String url, double load,
                                                  String bodyName) throws Exception {
        JsonObject body = new JsonObject().put("contract", 1).put("name", bodyName).put("url", url)
                .put("location", new JsonObject().put("lat", 51.51).put("lon", -0.12))
                .put("capacity", new JsonObject().put("connections", 1000).put("bitsPerSecond", 1_000_000_000L))
                .put("load", new JsonObject().put("connections", 5).put("bitsPerSecond", 1000).put("ratio", load));
        return router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/" + name + "/heartbeat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())));
    }
}
