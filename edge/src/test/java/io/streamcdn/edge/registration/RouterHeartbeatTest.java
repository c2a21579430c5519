package io.streamcdn.edge.registration;

import ch.qos.logback.classic.Level;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamcdn.common.Version;
import io.streamcdn.edge.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The edge's registration as the router and the operator see it: the requests a router receives, the edge's
 * meters and log lines, and that a router that is down, refusing or silent never makes the edge fail or hang.
 */
class RouterHeartbeatTest {

    private static final Duration FAST = Duration.ofMillis(200);
    private static final EdgeLoad LOAD = new EdgeLoad(12, 3_400_000, 123, 456, 7);

    static Vertx vertx;

    @TempDir
    Path tmp;
    PrometheusMeterRegistry registry;
    final List<RouterHeartbeat> heartbeats = new ArrayList<>();
    final List<StubRouter> routers = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void newRegistry() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (RouterHeartbeat heartbeat : heartbeats) {
            await(heartbeat.stop());
        }
        for (StubRouter router : routers) {
            router.close();
        }
    }

    @Test
    void theFirstBeatIsSentAtOnceWithEveryDocumentedField() throws Exception {
        StubRouter router = router(0);
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        start(config(router.url(), "52.37,4.89"), () -> LOAD, Duration.ofMinutes(10));
        eventually(() -> router.heartbeats().size() == 1, "a beat long before the first 10-minute tick");

        StubRouter.Request beat = router.heartbeats().get(0);
        JsonObject json = beat.json();
        assertThat(beat.path()).isEqualTo("/api/edges/edge-test/heartbeat");
        assertThat(beat.contentType()).isEqualTo("application/json");
        assertThat(json.fieldNames()).containsExactlyInAnyOrder("contract", "name", "url", "location", "capacity",
                "load", "cache", "version", "intervalSeconds", "sentAt");
        assertThat(json.getInteger("contract")).isEqualTo(1);
        assertThat(json.getString("name")).isEqualTo("edge-test");
        assertThat(json.getString("url")).isEqualTo("http://127.0.0.1:9999");
        assertThat(json.getJsonObject("location")).isEqualTo(new JsonObject().put("lat", 52.37).put("lon", 4.89));
        assertThat(json.getJsonObject("capacity"))
                .isEqualTo(new JsonObject().put("connections", 10_000).put("bitsPerSecond", 1_000_000_000L));
        JsonObject load = json.getJsonObject("load");
        assertThat(load.fieldNames()).containsExactlyInAnyOrder("connections", "bitsPerSecond", "ratio");
        assertThat(load.getInteger("connections")).isEqualTo(12);
        assertThat(load.getLong("bitsPerSecond")).isEqualTo(3_400_000L);
        assertThat(load.getDouble("ratio")).isCloseTo(0.0034, within(1e-12)); // bandwidth share beats 12/10000
        assertThat(json.getJsonObject("cache"))
                .isEqualTo(new JsonObject().put("bytes", 123L).put("maxBytes", 456L).put("entries", 7L));
        assertThat(json.getString("version")).isEqualTo(Version.current()).isNotEqualTo("unknown");
        assertThat(json.getDouble("intervalSeconds")).isEqualTo(600.0);
        assertThat(Instant.parse(json.getString("sentAt"))).isBetween(before, beat.receivedAt());
    }

    @Test
    void locationIsOmittedWhenTheEdgeHasNone() throws Exception {
        StubRouter router = router(0);

        start(config(router.url(), ""), () -> LOAD, FAST);
        eventually(() -> !router.heartbeats().isEmpty(), "a beat");

        assertThat(router.heartbeats().get(0).json().containsKey("location")).isFalse();
    }

    @Test
    void beatsRepeatAtTheIntervalEachWithTheLoadOfItsMoment() throws Exception {
        StubRouter router = router(0);
        AtomicInteger calls = new AtomicInteger();

        start(config(router.url(), ""), () -> new EdgeLoad(calls.incrementAndGet(), 0, 0, 1, 0), FAST);
        eventually(() -> router.heartbeats().size() >= 5, "five beats");

        List<StubRouter.Request> beats = router.heartbeats().subList(0, 5);
        assertThat(beats).extracting(b -> b.json().getJsonObject("load").getInteger("connections"))
                .containsExactly(1, 2, 3, 4, 5);
        for (int i = 1; i < beats.size(); i++) {
            assertThat(Duration.between(beats.get(i - 1).receivedAt(), beats.get(i).receivedAt()))
                    .as("no burst").isGreaterThan(Duration.ofMillis(100));
        }
        // From the second beat on (the first may wait for a connection): three intervals, give or take a tick.
        assertThat(Duration.between(beats.get(1).receivedAt(), beats.get(4).receivedAt()))
                .isBetween(FAST.multipliedBy(3).minusMillis(100), FAST.multipliedBy(4));
        assertThat(counted("ok")).isGreaterThanOrEqualTo(5);
        assertThat(registered()).isEqualTo(1);
    }

    @Test
    void stopSendsTheDeleteLastAndEndsTheBeats() throws Exception {
        StubRouter router = router(0);
        RouterHeartbeat heartbeat = start(config(router.url(), ""), () -> LOAD, FAST);
        eventually(() -> registered() == 1, "registered");

        await(heartbeat.stop());
        int seen = router.requests().size();
        Thread.sleep(3 * FAST.toMillis());

        StubRouter.Request last = router.requests().get(router.requests().size() - 1);
        assertThat(last.method()).isEqualTo(HttpMethod.DELETE);
        assertThat(last.path()).isEqualTo("/api/edges/edge-test");
        assertThat(router.requests()).hasSize(seen);
        assertThat(registered()).isZero();
    }

    @Test
    void aRouterUnderAPathPrefixKeepsItsPrefix() throws Exception {
        StubRouter router = router(0);
        RouterHeartbeat heartbeat = start(config(router.url() + "/cdn/", ""), () -> LOAD, FAST);
        eventually(() -> !router.heartbeats().isEmpty(), "a beat");
        await(heartbeat.stop());

        assertThat(router.requests()).extracting(StubRouter.Request::path)
                .contains("/cdn/api/edges/edge-test/heartbeat", "/cdn/api/edges/edge-test");
    }

    @Test
    void aRouterThatIsDownIsCountedUnreachableWhileStartAndStopSucceed() throws Exception {
        RouterHeartbeat heartbeat = start(config("http://127.0.0.1:" + unusedPort(), ""), () -> LOAD, FAST);
        eventually(() -> counted("unreachable") >= 2, "two unreachable beats");

        assertThat(counted("ok")).isZero();
        assertThat(counted("refused")).isZero();
        assertThat(registered()).isZero();
        assertThat(stopTime(heartbeat)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aRouterAnswering500IsCountedRefusedWarnedAboutOnceAndStopStillCompletes() throws Exception {
        StubRouter router = router(0).answer(500, "{\"error\":\"server_error\",\"reason\":\"registry is full\"}");
        try (CapturedLog log = new CapturedLog(RouterHeartbeat.class)) {
            RouterHeartbeat heartbeat = start(config(router.url(), ""), () -> LOAD, FAST);
            eventually(() -> counted("refused") >= 3, "three refused beats");

            assertThat(registered()).isZero();
            assertThat(counted("ok")).isZero();
            assertThat(log.lines(Level.WARN)).singleElement().asString()
                    .contains(router.url(), "refused the heartbeat", "HTTP 500: registry is full");
            assertThat(stopTime(heartbeat)).isLessThan(Duration.ofSeconds(3)); // its DELETE is refused too
            assertThat(router.requests().get(router.requests().size() - 1).method()).isEqualTo(HttpMethod.DELETE);
        }
    }

    @Test
    void whenTheRouterComesBackBeatsAreAcceptedAgainAndRegisteredReturnsTo1() throws Exception {
        int port = unusedPort();
        try (CapturedLog log = new CapturedLog(RouterHeartbeat.class)) {
            start(config("http://127.0.0.1:" + port, ""), () -> LOAD, FAST);
            eventually(() -> counted("unreachable") >= 2, "two unreachable beats");
            assertThat(registered()).isZero();

            StubRouter router = router(port);
            eventually(() -> registered() == 1, "registered once the router listens");

            assertThat(router.heartbeats()).isNotEmpty();
            assertThat(counted("ok")).isGreaterThanOrEqualTo(1);
            assertThat(log.lines(Level.WARN)).singleElement().asString().contains("unreachable");
            assertThat(log.lines(Level.INFO)).singleElement().asString().contains("accepts", "again");
        }
    }

    @Test
    void aRouterThatNeverAnswersGetsOneBeatAtATimeTimesOutAndStopStillCompletes() throws Exception {
        StubRouter router = router(0).neverAnswer();
        RouterHeartbeat heartbeat = start(config(router.url(), ""), () -> LOAD, FAST);

        Thread.sleep(6 * FAST.toMillis());
        assertThat(router.heartbeats()).as("ticks are skipped while a beat is pending").hasSize(1);
        eventually(() -> counted("unreachable") == 1, "the pending beat timed out");
        assertThat(registered()).isZero();

        // stop waits for the beat in flight (at most TIMEOUT), then the DELETE times out too
        assertThat(stopTime(heartbeat)).isLessThan(RouterHeartbeat.TIMEOUT.multipliedBy(2).plusSeconds(1));
        assertThat(router.requests().get(router.requests().size() - 1).method()).isEqualTo(HttpMethod.DELETE);
    }

    @Test
    void aLoadSupplierThatThrowsCostsBeatsButNeverEndsThem() throws Exception {
        StubRouter router = router(0);
        AtomicInteger calls = new AtomicInteger();

        start(config(router.url(), ""), () -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("cache index not loaded yet");
            }
            return LOAD;
        }, FAST);
        eventually(() -> registered() == 1, "registered once the load can be measured");

        assertThat(calls.get()).isGreaterThanOrEqualTo(3);
        assertThat(router.heartbeats()).isNotEmpty();
    }

    @Test
    void aHeartbeatNeedsARouter() {
        EdgeConfig withoutRouter = EdgeConfig.builder().host("127.0.0.1").port(0).cacheDir(tmp).name("edge-test").build();

        assertThatThrownBy(() -> new RouterHeartbeat(vertx, withoutRouter, () -> LOAD, registry))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--router");
    }

    private EdgeConfig config(String router, String location) {
        return EdgeConfig.builder().host("127.0.0.1").port(0).cacheDir(tmp).router(router)
                .publicUrl("http://127.0.0.1:9999").name("edge-test").location(location).build();
    }

    private RouterHeartbeat start(EdgeConfig config, Supplier<EdgeLoad> load, Duration interval) {
        RouterHeartbeat heartbeat = new RouterHeartbeat(vertx, config, load, registry, interval);
        heartbeats.add(heartbeat);
        heartbeat.start();
        return heartbeat;
    }

    private StubRouter router(int port) throws Exception {
        StubRouter router = StubRouter.start(vertx, port);
        routers.add(router);
        return router;
    }

    /** How long {@code stop()} took; fails the test if it failed or took over 10 s. */
    private static Duration stopTime(RouterHeartbeat heartbeat) throws Exception {
        long start = System.nanoTime();
        await(heartbeat.stop());
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void await(Future<?> future) throws Exception {
        future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A port that was free a moment ago and that nothing listens on now: connecting is refused at once. */
    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** {@code streamcdn_edge_heartbeats_total{outcome="..."}}, read from the Prometheus exposition. */
    private double counted(String outcome) {
        return sample("streamcdn_edge_heartbeats_total{outcome=\"" + outcome + "\"}");
    }

    private double registered() {
        return sample("streamcdn_edge_router_registered");
    }

    private double sample(String series) {
        for (String line : registry.scrape().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).strip());
            }
        }
        throw new AssertionError(series + " is not exposed:\n" + registry.scrape());
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 5 s for " + what);
            }
            Thread.sleep(20);
        }
    }
}
