package io.streamcdn.deploy;

import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signed-URL alerts against real refusals: an origin that verifies with key {@code k1}, the real Prometheus
 * scraping it every second with the kit's rules, and bursts of requests that the origin refuses. The rules wait
 * 5 and 10 minutes before they fire, so the test proves what can be proved in seconds: a burst of one reason makes
 * its alert pending, with the role and the reason in its labels, and leaves the other alert alone. (Their firing
 * and their thresholds are proved by the promtool unit tests in {@code alerts.test.yml}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SignedUrlAlertsOnARealOriginTest {

    private static final byte[] SECRET = "the deployment's signing secret, 32 bytes or more".getBytes(StandardCharsets.US_ASCII);
    private static final String VIDEO = "abcdef123456";
    /** Enough refusals that their 5-minute rate passes the rules' 0.1 request/s floor within seconds. */
    private static final int BURST = 60;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path dir; // static: JUnit fills instance fields only after @BeforeAll
    private OriginServer origin;
    private LocalPrometheus prometheus;
    private String originUrl;

    @BeforeAll
    void startOriginAndPrometheus() throws Exception {
        origin = OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("origin"))
                .signingKeys(Optional.of(SigningKeys.of("k1", SECRET))).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        originUrl = "http://127.0.0.1:" + origin.port();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  evaluation_interval: 1s
                rule_files:
                  - "%s"
                scrape_configs:
                  - job_name: streamcdn-origin
                    static_configs:
                      - targets: ["%s"]
                """.formatted(Kit.alertRules(), originUrl.substring("http://".length())));
        prometheus = LocalPrometheus.start(config, dir);

        // A well-signed request (404: no such video) creates the video route's request counter. Prometheus must see it
        // before the bursts, or their requests would be in the series' first sample, which counts for no rate.
        assertThat(get(signedBy("k1") + "manifest.mpd").statusCode()).isEqualTo(404);
        awaitScrapedTwice("vertx_http_server_requests_total{job=\"streamcdn-origin\",route=~\"/videos/.*|/s/.*\"}");
    }

    @AfterAll
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (origin != null) {
            origin.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(1)
    void urlsSignedWithAKeyTheOriginLacksMakeKeysOutOfStepPendingWithTheReason() throws Exception {
        assertThat(alertState("StreamcdnSignedUrlKeysOutOfStep")).isEqualTo("inactive");
        String foreign = signedBy("k2"); // a key the signers moved to, never installed on this origin
        // The first 403 creates Vert.x's code="403" series; like the video route above, it must be scraped before
        // the burst (in a real rotation the refusals arrive spread over many scrapes).
        assertThat(get(foreign + "manifest.mpd").statusCode()).isEqualTo(403);
        awaitScrapedTwice("vertx_http_server_requests_total{job=\"streamcdn-origin\",code=\"403\"}");

        for (int i = 0; i < BURST; i++) {
            HttpResponse<String> refused = get(foreign + "manifest.mpd");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("signed_url_unknown_key");
        }

        awaitTrue(() -> alertState("StreamcdnSignedUrlKeysOutOfStep").equals("pending"),
                "StreamcdnSignedUrlKeysOutOfStep to be pending");
        assertThat(activeAlertLabels("StreamcdnSignedUrlKeysOutOfStep")).singleElement().satisfies(labels -> {
            assertThat(labels.getString("job")).isEqualTo("streamcdn-origin");
            assertThat(labels.getString("reason")).isEqualTo("unknown_key");
            assertThat(labels.getString("severity")).isEqualTo("critical");
        });
        assertThat(alertState("StreamcdnSignedUrlBadSignatures")).isEqualTo("inactive");
    }

    @Test
    @Order(2)
    void tamperedSignaturesMakeBadSignaturesPending() throws Exception {
        String good = signedBy("k1");
        String signature = good.split("/")[4]; // /s/{expires}/{keyId}/{signature}/videos/...
        String tampered = good.replace(signature, (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1));

        for (int i = 0; i < BURST; i++) {
            HttpResponse<String> refused = get(tampered + "manifest.mpd");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("signed_url_bad_signature");
        }

        awaitTrue(() -> alertState("StreamcdnSignedUrlBadSignatures").equals("pending"),
                "StreamcdnSignedUrlBadSignatures to be pending");
        assertThat(activeAlertLabels("StreamcdnSignedUrlBadSignatures")).singleElement().satisfies(labels -> {
            assertThat(labels.getString("job")).isEqualTo("streamcdn-origin");
            assertThat(labels.getString("severity")).isEqualTo("warning");
        });
    }

    // ---- helpers

    /** The signed prefix {@code /s/{expires}/{keyId}/{signature}/videos/{id}/} of the test's video. */
    private String signedBy(String keyId) {
        return new UrlSigner(SigningKeys.of(keyId, SECRET), Duration.ofMinutes(5), Clock.systemUTC())
                .prefix(VIDEO);
    }

    /** Waits until Prometheus holds two samples of {@code selector}: from then on its increases count in rates. */
    private void awaitScrapedTwice(String selector) throws Exception {
        awaitTrue(() -> values("count_over_time(" + selector + "[1m])").stream().anyMatch(n -> n >= 2),
                "two scrapes of " + selector);
    }

    private String alertState(String name) throws Exception {
        return prometheus.alertingRule(name).getString("state");
    }

    private List<JsonObject> activeAlertLabels(String name) throws Exception {
        return prometheus.alertingRule(name).getJsonArray("alerts").stream().map(JsonObject.class::cast)
                .map(alert -> alert.getJsonObject("labels")).toList();
    }

    private List<Double> values(String promQl) throws Exception {
        return prometheus.values(promQl);
    }

    /** The series the signed-URL rules divide, as Prometheus has them now. */
    private String diagnosis() throws Exception {
        return prometheus.query("rate(streamcdn_signed_url_refusals_total[5m])").getJsonObject("data").encode() + " / "
                + prometheus.query("rate(vertx_http_server_requests_total[5m])").getJsonObject("data").encode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(originUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitTrue(Eventually.Check check, String what) throws Exception {
        new Eventually(PATIENCE, () -> "; what the rules read: " + diagnosis() + "; prometheus log: "
                + prometheus.logText()).awaitTrue(check, what);
    }
}
