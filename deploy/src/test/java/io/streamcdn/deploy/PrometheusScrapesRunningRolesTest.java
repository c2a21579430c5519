package io.streamcdn.deploy;

import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.router.RouterConfig;
import io.streamcdn.router.RouterServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring kit against the real thing: an origin, an edge (registered with the router by its heartbeats) and
 * a router run in this JVM on random ports, and the real Prometheus binary scrapes them every second with the
 * kit's alerting rules loaded. The dashboard's and the rules' PromQL may only read metrics that these running
 * roles export; the QoE series among them exist once a player's beacon has reached the origin, so one is posted
 * before the first scrape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusScrapesRunningRolesTest {

    /** The origin's QoE meters, which appear with the first beacon; names fixed by the player/origin contract. */
    private static final Set<String> QOE_METRICS = Set.of(
            "streamcdn_qoe_startup_seconds_bucket", "streamcdn_qoe_startup_seconds_sum", "streamcdn_qoe_startup_seconds_count",
            "streamcdn_qoe_rebuffer_seconds_bucket", "streamcdn_qoe_rebuffer_seconds_sum", "streamcdn_qoe_rebuffer_seconds_count",
            "streamcdn_qoe_rebuffers_total", "streamcdn_qoe_switches_total", "streamcdn_qoe_played_seconds_total",
            "streamcdn_qoe_errors_total", "streamcdn_qoe_beacons_total");
    /** Every refusal reason of the edge's and the origin's signed-URL gate, at 0: the roles here have no keys. */
    private static final Map<String, Double> SIGNED_URL_REFUSALS_AT_START = Map.of("missing", 0.0, "malformed", 0.0,
            "expired", 0.0, "bad_signature", 0.0, "unknown_key", 0.0);
    /** Series that alerts and panels watch although a healthy run never moves them: they must still be read. */
    private static final Set<String> TROUBLE_COUNTERS = Set.of("streamcdn_edge_cache_write_failures_total",
            "streamcdn_edge_signed_url_refusals_total", "streamcdn_signed_url_refusals_total");
    /** Series Prometheus itself writes for every target. */
    private static final Set<String> SCRAPE_SERIES = Set.of("up");
    private static final String EDGE_NAME = "edge-kit";
    private static final String LOCATION = "52.37,4.89";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Removed after the last test: the origin's data, the edge's cache, Prometheus's configuration and storage. */
    @TempDir
    static Path dir; // static: JUnit fills instance fields only after @BeforeAll
    private OriginServer origin;
    private RouterServer router;
    private EdgeServer edge;
    private LocalPrometheus prometheus;
    private final Map<String, String> roleUrls = new LinkedHashMap<>();

    @BeforeAll
    void startRolesAndPrometheus() throws Exception {
        origin = await(OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0)
                .dataDir(dir.resolve("origin")).build()));
        router = await(RouterServer.start(RouterConfig.builder().host("127.0.0.1").port(0)
                .healthInterval("200ms").healthTimeout("150ms").defaultLocation(LOCATION).build()));
        int edgePort;
        try (ServerSocket free = new ServerSocket(0)) {
            edgePort = free.getLocalPort();
        }
        roleUrls.put("origin", "http://127.0.0.1:" + origin.port());
        roleUrls.put("router", "http://127.0.0.1:" + router.port());
        roleUrls.put("edge", "http://127.0.0.1:" + edgePort);
        edge = await(EdgeServer.start(EdgeConfig.builder().host("127.0.0.1").port(edgePort).name(EDGE_NAME)
                .origin(roleUrls.get("origin")).cacheDir(dir.resolve("edge-cache")).router(roleUrls.get("router"))
                .publicUrl(roleUrls.get("edge")).location(LOCATION).build()));
        awaitTrue(() -> routerSeesEdgeAvailable(true), "the router to see " + EDGE_NAME + " available");

        // Traffic that creates the per-request series: a redirect, an edge miss (the origin has no such video: 404),
        // a catalog request and a video request on the origin.
        HttpResponse<String> redirect = get(roleUrls.get("router") + "/videos/abcdef123456/manifest.mpd");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("X-Edge")).contains(EDGE_NAME);
        assertThat(get(roleUrls.get("edge") + "/videos/abcdef123456/manifest.mpd").statusCode()).isEqualTo(404);
        assertThat(get(roleUrls.get("origin") + "/api/videos").statusCode()).isEqualTo(200);
        assertThat(get(roleUrls.get("origin") + "/videos/abcdef123456/manifest.mpd").statusCode()).isEqualTo(404);
        // A player's QoE beacon, one event of each type, creates the origin's QoE series.
        assertThat(postBeacon(roleUrls.get("origin")).statusCode()).isEqualTo(204);

        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, scrapeConfig());
        prometheus = LocalPrometheus.start(config, dir);
        awaitTrue(this::everyTargetUp, "Prometheus to scrape all three roles successfully");
    }

    /** The kit's job names and rules, the roles' real addresses, and a 1 s scrape so the test is quick. */
    private String scrapeConfig() {
        String job = """
                  - job_name: streamcdn-%s
                    static_configs:
                      - targets: ["%s"]
                """;
        StringBuilder yaml = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                  evaluation_interval: 1s
                rule_files:
                  - "%s"
                scrape_configs:
                """.formatted(Kit.alertRules()));
        roleUrls.forEach((role, url) -> yaml.append(job.formatted(role, url.substring("http://".length()))));
        return yaml.toString();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        for (Future<Void> closing : new ArrayList<>(closers())) {
            closing.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private List<Future<Void>> closers() {
        List<Future<Void>> closing = new ArrayList<>();
        if (edge != null) {
            closing.add(edge.close());
        }
        if (router != null) {
            closing.add(router.close());
        }
        if (origin != null) {
            closing.add(origin.close());
        }
        return closing;
    }

    @Test
    @Order(1)
    void theTargetsOfEveryRoleAreUp() throws Exception {
        JsonArray targets = prometheus.api("targets?state=active").getJsonObject("data").getJsonArray("activeTargets");

        assertThat(targets.stream().map(JsonObject.class::cast).map(t -> t.getJsonObject("labels").getString("job")))
                .containsExactlyInAnyOrder("streamcdn-origin", "streamcdn-edge", "streamcdn-router");
        assertThat(targets.stream().map(JsonObject.class::cast)).allSatisfy(target ->
                assertThat(target.getString("health")).as(target.encode()).isEqualTo("up"));
        assertThat(values("up{job=~\"streamcdn-.*\"}")).containsExactly(1.0, 1.0, 1.0);
    }

    @Test
    @Order(2)
    void keySeriesOfEveryRoleArriveInPrometheus() throws Exception {
        awaitTrue(() -> sum("streamcdn_router_decisions_total{job=\"streamcdn-router\",edge=\"" + EDGE_NAME
                + "\",api=\"redirect\"}") >= 1, "the router's redirect decision in Prometheus");
        awaitTrue(() -> sum("streamcdn_edge_requests_total{job=\"streamcdn-edge\",cache=\"miss\"}") >= 1,
                "the edge's miss in Prometheus");

        assertThat(values("streamcdn_encode_queue_length{job=\"streamcdn-origin\",role=\"origin\"}")).containsExactly(0.0);
        assertThat(values("streamcdn_router_edges_available{job=\"streamcdn-router\"}")).containsExactly(1.0);
        assertThat(values("sum(streamcdn_router_requests_total{code=\"302\"})")).singleElement()
                .satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(values("sum by (job) (vertx_http_server_requests_total{job=~\"streamcdn-(origin|edge)\"})"))
                .as("Vert.x's request counters of the origin and of the edge").hasSize(2);
        assertThat(values("streamcdn_edge_cache_max_bytes{job=\"streamcdn-edge\"}")).hasSize(1);
        // The signed-URL alerts and panel divide by the video requests, picked by Vert.x's route label: the edge's miss
        // above must be among them, or those ratios would silently have no denominator.
        assertThat(values("sum(vertx_http_server_requests_total{job=\"streamcdn-edge\",route=~\"/videos/.*|/s/.*\","
                + "code=\"404\"})")).singleElement().satisfies(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
        assertThat(values("streamcdn_qoe_played_seconds_total{job=\"streamcdn-origin\",edge=\"" + EDGE_NAME
                + "\",rung=\"720p\"}")).containsExactly(9.7);
        assertThat(values("streamcdn_qoe_startup_seconds_count{job=\"streamcdn-origin\",edge=\"" + EDGE_NAME + "\"}"))
                .containsExactly(1.0);
        assertThat(values("streamcdn_qoe_beacons_total{job=\"streamcdn-origin\",outcome=\"accepted\"}")).containsExactly(1.0);
        // Counters registered at start are exported at 0 before their first increment, so the alerts on them have a
        // series to compute a rate from from the first scrape on; nothing in this healthy run increments them.
        assertThat(values("streamcdn_edge_cache_write_failures_total{job=\"streamcdn-edge\"}")).containsExactly(0.0);
        assertThat(valuesBy("reason", "streamcdn_edge_signed_url_refusals_total{job=\"streamcdn-edge\"}"))
                .isEqualTo(SIGNED_URL_REFUSALS_AT_START);
        assertThat(valuesBy("reason", "streamcdn_signed_url_refusals_total{job=\"streamcdn-origin\"}"))
                .isEqualTo(SIGNED_URL_REFUSALS_AT_START);
    }

    @Test
    @Order(3)
    void theSignedUrlRefusalsJoinEachRolesVideoRequests() throws Exception {
        // The refusal counters and Vert.x's request counter are matched on (job, instance) by the alerts and the
        // panel: on the real series each role's ratio is one sample (NaN or 0 here: no refusals, few requests).
        String video = "route=~\"/videos/.*|/s/.*\"";
        String edgeShare = "sum by (job, instance) (rate(streamcdn_edge_signed_url_refusals_total[1m])) / on (job, instance)"
                + " sum by (job, instance) (rate(vertx_http_server_requests_total{" + video + "}[1m]))";
        String originShare = edgeShare.replace("streamcdn_edge_signed_url_refusals_total", "streamcdn_signed_url_refusals_total");
        awaitTrue(() -> !valuesBy("job", edgeShare).isEmpty() && !valuesBy("job", originShare).isEmpty(),
                "the edge's and the origin's refused share of video requests (two scrapes of each)");

        assertThat(valuesBy("job", edgeShare).keySet()).containsExactly("streamcdn-edge");
        assertThat(valuesBy("job", originShare).keySet()).containsExactly("streamcdn-origin");
    }

    @Test
    @Order(4)
    void theAlertingRulesLoadEvaluateAndEachHasADelaySeverityAndGuidance() throws Exception {
        awaitTrue(() -> alertingRules().stream().allMatch(r -> "ok".equals(r.getString("health"))),
                "every alerting rule to be evaluated without error");
        List<JsonObject> rules = alertingRules();
        String unitTests = Files.readString(Kit.prometheusDir().resolve("alerts.test.yml"));

        assertThat(rules).hasSizeGreaterThanOrEqualTo(14);
        assertThat(rules.stream().map(r -> r.getString("name"))).contains("StreamcdnEdgeCacheWriteFailures",
                "StreamcdnSignedUrlKeysOutOfStep", "StreamcdnSignedUrlBadSignatures");
        assertThat(rules).allSatisfy(rule -> {
            String name = rule.getString("name");
            assertThat(rule.getDouble("duration")).as(name + " has a for:").isPositive();
            assertThat(rule.getJsonObject("labels").getString("severity")).as(name + " severity").isIn("critical", "warning");
            assertThat(rule.getJsonObject("annotations").getString("summary")).as(name + " summary").isNotBlank();
            assertThat(rule.getJsonObject("annotations").getString("description")).as(name + " description")
                    .hasSizeGreaterThan(80);
            assertThat(unitTests).as(name + " has unit tests in alerts.test.yml").contains("alertname: " + name + "\n");
            assertThat(rule.getString("state")).as(name + " on a healthy system").isEqualTo("inactive");
        });
    }

    @Test
    @Order(5)
    void theDashboardAndTheRulesReadOnlyMetricsTheRolesExport() throws Exception {
        Set<String> exported = new TreeSet<>(SCRAPE_SERIES);
        for (String url : roleUrls.values()) {
            exported.addAll(metricNames(get(url + "/metrics").body()));
        }
        assertThat(exported).as("the origin exports every QoE series after a beacon").containsAll(QOE_METRICS);
        Map<String, Set<String>> used = new LinkedHashMap<>();
        for (String expression : dashboardExpressions()) {
            used.put("dashboard: " + expression, PromQlNames.of(expression));
        }
        for (JsonObject rule : alertingRules()) {
            used.put("alert " + rule.getString("name") + ": " + rule.getString("query"), PromQlNames.of(rule.getString("query")));
        }

        assertThat(used).hasSizeGreaterThan(20);
        assertThat(used).allSatisfy((where, names) -> assertThat(names).as(where).isNotEmpty().isSubsetOf(exported));
        assertThat(exported).containsAll(TROUBLE_COUNTERS);
        for (String counter : TROUBLE_COUNTERS) {
            assertThat(used.entrySet().stream().filter(e -> e.getKey().startsWith("dashboard: ")))
                    .as("a dashboard panel reads " + counter).anySatisfy(e -> assertThat(e.getValue()).contains(counter));
            assertThat(used.entrySet().stream().filter(e -> e.getKey().startsWith("alert ")))
                    .as("an alert reads " + counter).anySatisfy(e -> assertThat(e.getValue()).contains(counter));
        }
    }

    @Test
    @Order(6)
    void theDashboardIsAGrafanaDashboardOnAPrometheusDatasourceVariableAndItsQueriesParse() throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(Kit.dashboard()));
        JsonObject variable = dashboard.getJsonObject("templating").getJsonArray("list").stream()
                .map(JsonObject.class::cast).filter(v -> "datasource".equals(v.getString("type"))).findFirst().orElseThrow();

        assertThat(dashboard.getInteger("schemaVersion")).isGreaterThanOrEqualTo(36);
        assertThat(variable.getString("query")).isEqualTo("prometheus");
        List<JsonObject> queryPanels = panels(dashboard).stream().filter(p -> p.containsKey("targets")).toList();
        assertThat(queryPanels).hasSizeGreaterThanOrEqualTo(15).allSatisfy(panel -> {
            assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo("${" + variable.getString("name") + "}");
            assertThat(panel.getJsonObject("gridPos").getInteger("w")).isBetween(1, 24);
        });
        for (String expression : dashboardExpressions()) {
            JsonObject answer = prometheus.query(expression.replace("$__rate_interval", "1m"));
            assertThat(answer.getString("status")).as(expression + " → " + answer.encode()).isEqualTo("success");
        }
    }

    @Test
    @Order(7)
    void anEdgeThatStopsIsSeenDownAndTheRouterWithoutEdgesStartsAlerting() throws Exception {
        await(edge.close());
        edge = null;

        awaitTrue(() -> values("up{job=\"streamcdn-edge\"}").equals(List.of(0.0)), "the stopped edge to be scraped as down");
        awaitTrue(() -> alertState("StreamcdnEdgeDown").equals("pending"), "StreamcdnEdgeDown to be pending");
        awaitTrue(() -> alertState("StreamcdnRouterNoEdgeAvailable").equals("pending"),
                "StreamcdnRouterNoEdgeAvailable to be pending");
        assertThat(alertState("StreamcdnOriginDown")).isEqualTo("inactive");
        assertThat(alertState("StreamcdnRouterDown")).isEqualTo("inactive");
    }

    // ---- helpers

    private List<String> dashboardExpressions() throws Exception {
        List<String> expressions = new ArrayList<>();
        for (JsonObject panel : panels(new JsonObject(Files.readString(Kit.dashboard())))) {
            JsonArray targets = panel.getJsonArray("targets", new JsonArray());
            targets.stream().map(JsonObject.class::cast).map(t -> t.getString("expr")).forEach(expressions::add);
        }
        return expressions;
    }

    private static List<JsonObject> panels(JsonObject dashboard) {
        List<JsonObject> all = new ArrayList<>();
        for (Object p : dashboard.getJsonArray("panels")) {
            JsonObject panel = (JsonObject) p;
            all.add(panel);
            panel.getJsonArray("panels", new JsonArray()).stream().map(JsonObject.class::cast).forEach(all::add);
        }
        return all;
    }

    private List<JsonObject> alertingRules() throws Exception {
        return prometheus.alertingRules();
    }

    private String alertState(String name) throws Exception {
        return prometheus.alertingRule(name).getString("state");
    }

    /** The sample names in Prometheus text exposition: {@code name{labels} value} and {@code name value} lines. */
    static Set<String> metricNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private List<Double> values(String promQl) throws Exception {
        return prometheus.values(promQl);
    }

    /** An instant query's values keyed by one label of each sample. */
    private Map<String, Double> valuesBy(String label, String promQl) throws Exception {
        JsonObject answer = prometheus.query(promQl);
        assertThat(answer.getString("status")).as(promQl + " → " + answer.encode()).isEqualTo("success");
        Map<String, Double> values = new TreeMap<>();
        for (Object sample : answer.getJsonObject("data").getJsonArray("result")) {
            JsonObject s = (JsonObject) sample;
            values.put(s.getJsonObject("metric").getString(label), Double.parseDouble(s.getJsonArray("value").getString(1)));
        }
        return values;
    }

    private double sum(String selector) throws Exception {
        return values(selector).stream().mapToDouble(Double::doubleValue).sum();
    }

    private boolean everyTargetUp() throws Exception {
        JsonArray targets = prometheus.api("targets?state=active").getJsonObject("data").getJsonArray("activeTargets");
        return targets.size() == 3 && targets.stream().map(JsonObject.class::cast)
                .allMatch(t -> "up".equals(t.getString("health")));
    }

    private boolean routerSeesEdgeAvailable(boolean available) throws Exception {
        JsonArray edges = new JsonObject(get(roleUrls.get("router") + "/api/edges").body()).getJsonArray("edges");
        Predicate<JsonObject> match = e -> EDGE_NAME.equals(e.getString("name")) && e.getBoolean("available") == available;
        return edges.stream().map(JsonObject.class::cast).anyMatch(match);
    }

    /** A beacon as the player sends it (the contract's example), reported for the kit's edge. */
    private HttpResponse<String> postBeacon(String originUrl) throws Exception {
        String beacon = """
                {"v": 1, "session": "kit-session-0123456", "video": "abcdef123456", "edge": "%s", "abr": "ours",
                 "events": [{"type": "startup", "seconds": 0.84}, {"type": "rebuffer", "seconds": 0.2},
                            {"type": "switch", "from": "360p", "to": "720p"}, {"type": "played", "rung": "720p", "seconds": 9.7},
                            {"type": "error", "kind": "segment"}]}
                """.formatted(EDGE_NAME);
        return http.send(HttpRequest.newBuilder(URI.create(originUrl + "/api/qoe")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(beacon)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitTrue(Eventually.Check check, String what) throws Exception {
        new Eventually(PATIENCE, () -> prometheus == null ? "" : "; prometheus log: " + prometheus.logText())
                .awaitTrue(check, what);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
