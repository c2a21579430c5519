package io.streamcdn.edge.testing;

import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A real {@link EdgeServer} at 127.0.0.1 on a free port, and a plain HTTP/1.1 client to talk to it. */
public final class TestEdge implements AutoCloseable {

    private final EdgeServer server;
    private final HttpClient http;
    private boolean closed;

    private TestEdge(EdgeServer server) {
        this.server = server;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts an edge in front of {@code upstream} with the configuration {@code customize} adjusts. */
    public static TestEdge start(String name, java.nio.file.Path cacheDir, String origin, Clock clock,
                                 UnaryOperator<EdgeConfig.Builder> customize) throws Exception {
        EdgeConfig.Builder builder = EdgeConfig.builder().host("127.0.0.1").port(0).name(name).cacheDir(cacheDir)
                .origin(origin).prefetch(0);
        EdgeServer server = EdgeServer.start(customize.apply(builder).build(), clock).toCompletionStage()
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new TestEdge(server);
    }

    public EdgeServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    public HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public String text(String path) throws Exception {
        return new String(get(path).body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * The value of a Prometheus series on this edge's /metrics (0 when absent), summed over its labels;
     * {@code name{label="value"} } (without the closing brace) selects by the first label.
     */
    public double metric(String series) throws Exception {
        double total = 0;
        for (String line : text("/metrics").split("\n")) {
            boolean matches = series.contains("{") ? line.startsWith(series)
                    : line.startsWith(series + "{") || line.startsWith(series + " ");
            if (matches) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** Waits (up to 10 s) until {@link #metric} of {@code series} reaches {@code atLeast}; fails if it never does. */
    public void awaitMetric(String series, double atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metric(series) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (metric(series) < atLeast) {
            throw new AssertionError(series + " stayed at " + metric(series) + ", below " + atLeast);
        }
    }

    @Override
    public void close() throws Exception {
        if (!closed) {
            closed = true;
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
