package io.streamcdn.origin.qoe;

import io.streamcdn.origin.testing.RawHttp;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code POST /api/qoe} on a real origin: what an accepted beacon adds to {@code /metrics}, how each kind of bad
 * beacon is refused, and that clients cannot grow the metrics without bound. One origin for the class: every test
 * reads the metrics as differences from before its own requests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QoeApiTest {

    @TempDir
    static Path dir; // static: JUnit fills instance fields only after @BeforeAll
    private RunningOrigin origin;

    @BeforeAll
    void start() throws Exception {
        origin = RunningOrigin.start(dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @Test
    void anAcceptedBeaconShowsInEveryQoeMetricWithItsEdgeRungDirectionAndKind() throws Exception {
        HttpResponse<byte[]> response = post(Beacons.full("edge-accepted").encode(), "application/json");

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.body()).isEmpty();
        PrometheusText m = metrics();
        String[] edge = {"edge", "edge-accepted"};
        assertThat(m.sum("streamcdn_qoe_startup_seconds_count", edge)).isEqualTo(1);
        assertThat(m.sum("streamcdn_qoe_startup_seconds_sum", edge)).isCloseTo(0.84, within(1e-9));
        assertThat(m.sum("streamcdn_qoe_startup_seconds_bucket", "edge", "edge-accepted", "le", "0.75")).isZero();
        assertThat(m.sum("streamcdn_qoe_startup_seconds_bucket", "edge", "edge-accepted", "le", "1.0")).isEqualTo(1);
        assertThat(m.values("streamcdn_qoe_startup_seconds_bucket", "le"))
                .contains("0.25", "0.5", "1.0", "2.0", "5.0", "10.0", "+Inf");
        assertThat(m.sum("streamcdn_qoe_rebuffers_total", edge)).isEqualTo(1);
        assertThat(m.sum("streamcdn_qoe_rebuffer_seconds_sum", edge)).isCloseTo(1.2, within(1e-9));
        assertThat(m.sum("streamcdn_qoe_rebuffer_seconds_bucket", "edge", "edge-accepted", "le", "1.0")).isZero();
        assertThat(m.sum("streamcdn_qoe_rebuffer_seconds_bucket", "edge", "edge-accepted", "le", "2.0")).isEqualTo(1);
        assertThat(m.values("streamcdn_qoe_rebuffer_seconds_bucket", "le")).contains("0.1", "30.0", "+Inf");
        assertThat(m.sum("streamcdn_qoe_played_seconds_total", "edge", "edge-accepted", "rung", "720p"))
                .isCloseTo(9.7, within(1e-9));
        assertThat(m.sum("streamcdn_qoe_switches_total", "edge", "edge-accepted", "direction", "up")).isEqualTo(1);
        assertThat(m.sum("streamcdn_qoe_errors_total", "edge", "edge-accepted", "kind", "segment")).isEqualTo(1);
        assertThat(m.sum("streamcdn_qoe_beacons_total", "outcome", "accepted", "role", "origin")).isGreaterThanOrEqualTo(1);
        assertThat(m.text()).as("no per-viewer or per-video label").doesNotContain(Beacons.SESSION, Beacons.VIDEO);
    }

    @Test
    void aDownSwitchAndEveryErrorKindAreCountedUnderTheirOwnLabels() throws Exception {
        JsonObject beacon = Beacons.empty("edge-kinds");
        JsonArray events = beacon.getJsonArray("events")
                .add(new JsonObject().put("type", "switch").put("from", "1080p").put("to", "480p"));
        for (String kind : List.of("segment", "manifest", "decode", "failover", "other")) {
            events.add(new JsonObject().put("type", "error").put("kind", kind));
        }

        assertThat(post(beacon.encode(), "application/json").statusCode()).isEqualTo(204);

        PrometheusText m = metrics();
        assertThat(m.sum("streamcdn_qoe_switches_total", "edge", "edge-kinds", "direction", "down")).isEqualTo(1);
        assertThat(m.sum("streamcdn_qoe_switches_total", "edge", "edge-kinds", "direction", "up")).isZero();
        assertThat(m.values("streamcdn_qoe_errors_total", "kind"))
                .containsExactlyInAnyOrder("segment", "manifest", "decode", "failover", "other");
    }

    @Test
    void eachKindOfBadBeaconIsA400WithAReasonCountsAsRejectedAndCountsNothingElse() throws Exception {
        JsonObject goodThenBad = Beacons.full("edge-refused");
        goodThenBad.getJsonArray("events").add(new JsonObject().put("type", "teleport"));
        JsonObject tooMany = Beacons.empty("edge-refused");
        for (int i = 0; i < QoeBeacon.MAX_EVENTS + 1; i++) {
            tooMany.getJsonArray("events").add(new JsonObject().put("type", "startup").put("seconds", 1));
        }
        String oversized = Beacons.full("edge-refused").put("pad", "x".repeat(QoeBeacon.MAX_BODY_BYTES)).encode();
        record Bad(String what, HttpRequest.Builder request, String error) {
        }
        List<Bad> bad = List.of(
                new Bad("malformed JSON", beacon("{\"v\": 1, \"events\": [", "application/json"), "malformed_json"),
                new Bad("a wrong type", beacon(Beacons.full("edge-refused").put("abr", 1).encode(), "application/json"),
                        "invalid_beacon"),
                new Bad("an unknown event type after good ones", beacon(goodThenBad.encode(), "application/json"),
                        "invalid_beacon"),
                new Bad("too many events", beacon(tooMany.encode(), "application/json"), "too_many_events"),
                new Bad("oversized, with its length declared", beacon(oversized, "application/json"),
                        "beacon_too_large"),
                new Bad("oversized, streamed without a length", origin.request(QoeApi.PATH)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                                new ByteArrayInputStream(oversized.getBytes(StandardCharsets.UTF_8)))), "beacon_too_large"),
                new Bad("a form instead of JSON", beacon(Beacons.full("edge-refused").encode(), "multipart/form-data"),
                        "unsupported_content_type"));

        for (Bad each : bad) {
            PrometheusText before = metrics();
            HttpResponse<byte[]> response = origin.send(each.request());
            PrometheusText after = metrics();

            assertThat(response.statusCode()).as(each.what()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).as(each.what()).hasValue("application/json");
            JsonObject body = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
            assertThat(body.getString("error")).as(each.what()).isEqualTo(each.error());
            assertThat(body.getString("reason")).as(each.what()).isNotBlank();
            assertThat(after.sum("streamcdn_qoe_beacons_total", "outcome", "rejected")
                    - before.sum("streamcdn_qoe_beacons_total", "outcome", "rejected")).as(each.what()).isEqualTo(1);
            assertThat(after.sum("streamcdn_qoe_beacons_total", "outcome", "accepted"))
                    .as(each.what()).isEqualTo(before.sum("streamcdn_qoe_beacons_total", "outcome", "accepted"));
        }
        PrometheusText m = metrics();
        for (String series : List.of("streamcdn_qoe_startup_seconds_count", "streamcdn_qoe_rebuffers_total",
                "streamcdn_qoe_played_seconds_total", "streamcdn_qoe_switches_total", "streamcdn_qoe_errors_total")) {
            assertThat(m.values(series, "edge")).as(series + ": nothing of a refused beacon is counted")
                    .doesNotContain("edge-refused");
        }
        // The origin kept serving through all of it.
        assertThat(post(Beacons.full("edge-after-refusals").encode(), "application/json").statusCode()).isEqualTo(204);
        assertThat(origin.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIsRefusedOnItsDeclaredLengthBeforeItIsSent() throws Exception {
        RawHttp.Response response = origin.raw("POST", QoeApi.PATH, "Content-Type: application/json",
                "Content-Length: " + (QoeBeacon.MAX_BODY_BYTES + 1));

        assertThat(response.status()).isEqualTo(400);
        assertThat(new JsonObject(response.bodyText()).getString("error")).isEqualTo("beacon_too_large");
    }

    @Test
    void edgeLabelsStopAt64DistinctNamesAndTheRestCountAsOther(@TempDir Path own) throws Exception {
        // An origin of its own: the cap is per origin, and the names it keeps are the first it sees.
        try (RunningOrigin fresh = RunningOrigin.start(own)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                names.add("edge-cap-" + i);
            }

            for (String name : names) {
                assertThat(post(fresh, Beacons.played(name, "480p", 1).encode(), "text/plain").statusCode()).isEqualTo(204);
            }

            PrometheusText m = metrics(fresh);
            assertThat(m.values("streamcdn_qoe_played_seconds_total", "edge"))
                    .hasSize(QoeMetrics.MAX_EDGES + 1).contains("other")
                    .containsAll(names.subList(0, QoeMetrics.MAX_EDGES));
            assertThat(m.sum("streamcdn_qoe_played_seconds_total", "edge", "other")).isEqualTo(100 - QoeMetrics.MAX_EDGES);
            assertThat(m.sum("streamcdn_qoe_played_seconds_total")).isEqualTo(100);
            assertThat(fresh.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void rungsThatAreNotLabelsAndRungsPastTheCapCountAsOther(@TempDir Path own) throws Exception {
        try (RunningOrigin fresh = RunningOrigin.start(own)) {
            assertThat(post(fresh, Beacons.played("edge-rungs", "best-quality", 2).encode(), "application/json")
                    .statusCode()).isEqualTo(204);
            for (int height = 100; height < 100 + QoeMetrics.MAX_RUNGS + 10; height++) {
                assertThat(post(fresh, Beacons.played("edge-rungs", height + "p", 1).encode(), "application/json")
                        .statusCode()).isEqualTo(204);
            }

            PrometheusText m = metrics(fresh);
            assertThat(m.values("streamcdn_qoe_played_seconds_total", "rung")).hasSize(QoeMetrics.MAX_RUNGS)
                    .contains("other").doesNotContain("best-quality");
            assertThat(m.sum("streamcdn_qoe_played_seconds_total", "edge", "edge-rungs"))
                    .isEqualTo(2 + QoeMetrics.MAX_RUNGS + 10);
        }
    }

    @Test
    void aPageOnAnotherSiteMayPostBeaconsWithCredentialsAfterAPreflight() throws Exception {
        HttpResponse<byte[]> preflight = origin.send(origin.request(QoeApi.PATH)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://player.example:8000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));
        HttpResponse<byte[]> post = origin.send(beacon(Beacons.full("edge-cors").encode(), "application/json")
                .header("Origin", "http://player.example:8000"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        // sendBeacon sends credentials, and browsers refuse "*" for those: the page's own origin comes back.
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://player.example:8000");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).containsIgnoringCase("content-type");
        assertThat(post.statusCode()).isEqualTo(204);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://player.example:8000");
        assertThat(post.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(post.headers().allValues("Vary")).contains("Origin");
    }

    @Test
    void onlyTheConfiguredSitesMayPostWhenCorsOriginsAreListed(@TempDir Path other) throws Exception {
        try (RunningOrigin listed = RunningOrigin.start(other, b -> b.corsOrigins("https://watch.example"))) {
            HttpResponse<byte[]> allowed = listed.send(listed.request(QoeApi.PATH)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://watch.example").header("Access-Control-Request-Method", "POST"));
            HttpResponse<byte[]> stranger = listed.send(listed.request(QoeApi.PATH)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST"));

            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://watch.example");
            assertThat(stranger.statusCode()).isEqualTo(204);
            assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(stranger.headers().firstValue("Access-Control-Allow-Methods")).isEmpty();
        }
    }

    @Test
    void otherMethodsAre405WithTheMethodsThatWork() throws Exception {
        HttpResponse<byte[]> response = origin.get(QoeApi.PATH);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("reason")).isNotBlank();
    }

    @Test
    void beaconsNeedNoAdminTokenEvenWhenTheOriginHasOne(@TempDir Path other) throws Exception {
        try (RunningOrigin guarded = RunningOrigin.start(other, b -> b.adminToken(java.util.Optional.of(
                io.streamcdn.common.security.AdminToken.of("a-long-enough-admin-token-for-tests-0123456789", "test")))) ) {
            HttpResponse<byte[]> response = guarded.send(guarded.request(QoeApi.PATH)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Beacons.full("edge-token").encode())));

            assertThat(response.statusCode()).isEqualTo(204);
        }
    }

    private HttpRequest.Builder beacon(String body, String contentType) {
        return origin.request(QoeApi.PATH).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<byte[]> post(String body, String contentType) throws Exception {
        return post(origin, body, contentType);
    }

    private static HttpResponse<byte[]> post(RunningOrigin to, String body, String contentType) throws Exception {
        return to.send(to.request(QoeApi.PATH).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private PrometheusText metrics() throws Exception {
        return metrics(origin);
    }

    private static PrometheusText metrics(RunningOrigin of) throws Exception {
        return new PrometheusText(new String(of.get("/metrics").body(), StandardCharsets.UTF_8));
    }
}
