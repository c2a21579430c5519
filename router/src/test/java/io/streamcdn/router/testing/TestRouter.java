package io.streamcdn.router.testing;

import io.streamcdn.router.RouterConfig;
import io.streamcdn.router.RouterServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** A real {@link RouterServer} on 127.0.0.1 and a client that does not follow redirects. */
public final class TestRouter implements AutoCloseable {

    /** MaxMind's test City database, from the shared test data. */
    public static final Path GEOIP = Path.of(System.getProperty("streamcdn.shared", "../../shared"))
            .resolve("geoip/GeoLite2-City-Test.mmdb");

    private final RouterServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestRouter(RouterServer server) {
        this.server = server;
    }

    public static TestRouter start(UnaryOperator<RouterConfig.Builder> customize) throws Exception {
        RouterConfig.Builder builder = RouterConfig.builder().host("127.0.0.1").port(0)
                .healthInterval("200ms").healthTimeout("150ms");
        return new TestRouter(RouterServer.start(customize.apply(builder).build()).toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS));
    }

    public RouterServer server() {
        return server;
    }

    /** The DNS port, when the router was started with DNS routing. */
    public int dnsPort() {
        return server.dnsPort().orElseThrow();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The edge the router redirects a viewer at {@code viewerIp} (via a trusted proxy) to, for video {@code id}. */
    public String edgeFor(String viewerIp, String id) throws Exception {
        HttpResponse<String> response = get("/videos/" + id + "/manifest.mpd", "X-Forwarded-For", viewerIp);
        if (response.statusCode() != 302) {
            return "status " + response.statusCode();
        }
        return response.headers().firstValue("X-Edge").orElseThrow();
    }

    public JsonArray edges() throws Exception {
        return new JsonObject(get("/api/edges").body()).getJsonArray("edges");
    }

    /** Waits (up to 10 s) until the registry satisfies {@code condition}. */
    public void await(Predicate<JsonArray> condition, String what) throws Exception {
        await(condition, what, Duration.ofSeconds(10));
    }

    /** Waits (up to {@code timeout}) until the registry satisfies {@code condition}. */
    public void await(Predicate<JsonArray> condition, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(edges())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + ": " + edges().encodePrettily());
            }
            Thread.sleep(20);
        }
    }

    public static Predicate<JsonArray> available(String name, boolean available) {
        return edges -> edges.stream().map(JsonObject.class::cast)
                .anyMatch(e -> e.getString("name").equals(name) && e.getBoolean("available") == available);
    }

    public double metric(String prefix) throws Exception {
        double total = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(prefix)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
