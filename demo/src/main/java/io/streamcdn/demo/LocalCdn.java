package io.streamcdn.demo;

import io.streamcdn.common.ConfigException;
import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.media.MediaException;
import io.streamcdn.media.SampleVideo;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.router.RouterConfig;
import io.streamcdn.router.RouterServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The whole CDN on this machine, in this JVM: a router, an origin that knows it, and edges at different
 * (pretend) locations that register with the router by heartbeat, each with its own cache folder. What
 * {@code ./streamcdn demo} runs, and what the end-to-end tests and the QoE benchmark start:
 * <pre>{@code
 * try (LocalCdn cdn = LocalCdn.builder(dataDir).sampleSeconds(10).start()) {
 *     cdn.awaitReady(cdn.videoId().orElseThrow(), Duration.ofMinutes(2));
 *     open(cdn.originUrl() + "/");            // the player, served by the origin
 *     cdn.stopEdge(cdn.edges().get(0).name()); // viewers of that edge must fail over
 * }
 * }</pre>
 * Start-up order follows who must know whom: the router first (the origin hands its URL to players, the edges beat
 * to it), then the origin, then the edges. {@link #start} returns once every edge is available at the router and,
 * when the origin's catalog was empty, the generated sample has been uploaded (its encode runs on; see
 * {@link #awaitReady}). Everything listens on {@code host}, 127.0.0.1 unless told otherwise.
 *
 * <p>Folders under the data directory: the origin's own layout at its root (uploads, videos, catalog, ...), the
 * sample at {@code sample-<N>s.mp4}, and one cache per edge at {@code edges/<name>/}.
 */
public final class LocalCdn implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCdn.class);

    /** Where the edges say they are, in order; the router places local viewers in the first (Amsterdam). */
    public static final List<Site> SITES = List.of(
            new Site("edge-ams", "Amsterdam", "52.37,4.89"),
            new Site("edge-fra", "Frankfurt", "50.11,8.68"),
            new Site("edge-lon", "London", "51.51,-0.13"),
            new Site("edge-par", "Paris", "48.86,2.35"));

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** An edge's name, the city it pretends to be in, and that city's {@code LAT,LON}. */
    public record Site(String name, String city, String location) {
    }

    /** A running edge: its name, the URL viewers reach it at, and the server itself. */
    public record Edge(String name, String city, String url, EdgeServer server) {
    }

    private final RouterServer router;
    private final OriginServer origin;
    private final List<Edge> edges;
    private final Set<String> stopped = new LinkedHashSet<>();
    private final Path dataDir;
    private final String routerUrl;
    private final String originUrl;
    private final Optional<String> videoId;
    private final HttpClient http;
    private boolean closed;

    private LocalCdn(Path dataDir, RouterServer router, String routerUrl, OriginServer origin, String originUrl,
                     List<Edge> edges, Optional<String> videoId, HttpClient http) {
        this.dataDir = dataDir;
        this.router = router;
        this.routerUrl = routerUrl;
        this.origin = origin;
        this.originUrl = originUrl;
        this.edges = List.copyOf(edges);
        this.videoId = videoId;
        this.http = http;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** The origin's base URL, no trailing slash: the player is at {@code originUrl() + "/"}. */
    public String originUrl() {
        return originUrl;
    }

    public String routerUrl() {
        return routerUrl;
    }

    /** Every edge started, in {@link #SITES} order, stopped ones included. */
    public List<Edge> edges() {
        return edges;
    }

    public Edge edge(String name) {
        return edges.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no edge named " + name + "; the edges are "
                        + edges.stream().map(Edge::name).toList()));
    }

    public OriginServer origin() {
        return origin;
    }

    /** The data directory (absolute): the origin's folders, the sample, {@code edges/<name>/}. */
    public Path dataDir() {
        return dataDir;
    }

    public RouterServer router() {
        return router;
    }

    /**
     * The video to show: the sample uploaded at start, or, when the catalog already held videos, the newest of them;
     * empty when the catalog was empty and no sample was asked for.
     */
    public Optional<String> videoId() {
        return videoId;
    }

    /**
     * Stops one edge as an operator would (it deregisters from the router, then closes): viewers playing from it
     * lose it mid-stream, and the router sends new ones elsewhere. Blocks until it has stopped.
     */
    public synchronized void stopEdge(String name) throws Exception {
        Edge edge = edge(name);
        if (stopped.add(name)) {
            await(edge.server().close(), STOP_TIMEOUT);
        }
    }

    /** Polls the origin until the video is ready (or failed) and returns its record; fails after {@code timeout}. */
    public JsonObject awaitReady(String id, Duration timeout) throws IOException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject video = new JsonObject(get(http, originUrl + "/api/videos/" + id));
            String state = video.getString("state");
            if ("ready".equals(state) || "failed".equals(state)) {
                return video;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("video " + id + " is still " + state + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** Stops the edges (each deregisters), then the origin, then the router. Safe to call twice. */
    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        List<Future<Void>> edgesClosing = new ArrayList<>();
        for (Edge edge : edges) {
            if (stopped.add(edge.name())) {
                edgesClosing.add(edge.server().close());
            }
        }
        Exception failure = null;
        for (Future<Void> closing : edgesClosing) {
            failure = closeQuietly(closing, failure);
        }
        failure = closeQuietly(origin.close(), failure);
        failure = closeQuietly(router.close(), failure);
        if (failure != null) {
            throw failure;
        }
    }

    private static Exception closeQuietly(Future<Void> closing, Exception earlier) {
        try {
            await(closing, STOP_TIMEOUT);
            return earlier;
        } catch (Exception e) {
            LOG.warn("a role did not stop cleanly: {}", e.toString());
            if (earlier != null) {
                earlier.addSuppressed(e);
                return earlier;
            }
            return e;
        }
    }

    /** Settings of a {@link LocalCdn}, each checked when set; {@link #start} starts it. */
    public static final class Builder {

        private final Path dataDir;
        private String host = "127.0.0.1";
        private int originPort;
        private int routerPort;
        private int edgePort;
        private int edgeCount = 2;
        private int sampleSeconds = 30;
        private String ladder;
        private Double segmentSeconds;
        private UnaryOperator<OriginConfig.Builder> originSettings = UnaryOperator.identity();
        private UnaryOperator<EdgeConfig.Builder> edgeSettings = UnaryOperator.identity();
        private UnaryOperator<RouterConfig.Builder> routerSettings = UnaryOperator.identity();
        private Duration registrationTimeout = Duration.ofSeconds(30);

        private Builder(Path dataDir) {
            if (dataDir == null) {
                throw new ConfigException("--data-dir is required");
            }
            this.dataDir = dataDir.toAbsolutePath().normalize();
        }

        /** Address every role listens on; URLs use 127.0.0.1 when it is the wildcard 0.0.0.0. */
        public Builder host(String host) {
            ConfigException.require(host != null && !host.isBlank(), "--host is required, like 127.0.0.1");
            this.host = host.strip();
            return this;
        }

        /** The origin's port; 0 (the default) picks a free one. */
        public Builder originPort(int port) {
            this.originPort = port("--port", port);
            return this;
        }

        public Builder routerPort(int port) {
            this.routerPort = port("--router-port", port);
            return this;
        }

        /** The first edge's port; the next edges take the ports after it. 0 (the default): each a free one. */
        public Builder edgePort(int port) {
            this.edgePort = port("--edge-port", port);
            return this;
        }

        /** How many edges, 1 to {@code SITES.size()}; each at the next of {@link #SITES}. Default 2. */
        public Builder edges(int count) {
            ConfigException.require(count >= 1 && count <= SITES.size(), "--edges %d is outside 1..%d", count,
                    SITES.size());
            this.edgeCount = count;
            return this;
        }

        /** Length of the generated sample uploaded when the catalog is empty; 0 uploads none. Default 30. */
        public Builder sampleSeconds(int seconds) {
            ConfigException.require(seconds >= 0 && seconds <= 600, "--sample-seconds %d is outside 0..600", seconds);
            this.sampleSeconds = seconds;
            return this;
        }

        /** The origin's ladder, as {@code --ladder} takes it ({@code 720p:3000k,360p:800k}); default the origin's. */
        public Builder ladder(String ladder) {
            OriginConfig.builder().ladder(ladder); // refuses a bad ladder now, with the flag's message
            this.ladder = ladder;
            return this;
        }

        /** The origin's {@code --segment-seconds}; default the origin's. */
        public Builder segmentSeconds(double seconds) {
            OriginConfig.builder().segmentSeconds(seconds);
            this.segmentSeconds = seconds;
            return this;
        }

        /** Any other origin setting, applied after the ones above (encoder settings, CORS, public URL, ...). */
        public Builder origin(UnaryOperator<OriginConfig.Builder> settings) {
            this.originSettings = settings;
            return this;
        }

        /** Any other edge setting, applied to every edge after its name, ports, origin, router and cache folder. */
        public Builder edge(UnaryOperator<EdgeConfig.Builder> settings) {
            this.edgeSettings = settings;
            return this;
        }

        public Builder router(UnaryOperator<RouterConfig.Builder> settings) {
            this.routerSettings = settings;
            return this;
        }

        /** How long {@link #start} waits for every edge to be available at the router. Default 30 s. */
        public Builder registrationTimeout(Duration timeout) {
            this.registrationTimeout = timeout;
            return this;
        }

        private static int port(String flag, int port) {
            ConfigException.require(port >= 0 && port <= 65535, "%s %d is not a port; use 1..65535, or 0 for any free port",
                    flag, port);
            return port;
        }

        /**
         * Starts the router, the origin and the edges; waits until the router has every edge available; uploads the
         * sample when the catalog is empty. On any failure whatever was started is stopped again.
         */
        public LocalCdn start() throws Exception {
            String local = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            RouterServer router = null;
            OriginServer origin = null;
            List<Edge> edges = new ArrayList<>();
            try {
                RouterConfig routerConfig = routerSettings.apply(RouterConfig.builder().host(host).port(routerPort)
                        .defaultLocation(SITES.get(0).location())).build();
                router = listen(() -> RouterServer.start(routerConfig), "router", "--router-port", routerPort);
                String routerUrl = "http://" + local + ":" + router.port();

                // The origin tells the web player where the router is (/player-config.json).
                OriginConfig.Builder originConfig = OriginConfig.builder().host(host).port(originPort).dataDir(dataDir)
                        .routerUrl(routerUrl);
                if (ladder != null) {
                    originConfig.ladder(ladder);
                }
                if (segmentSeconds != null) {
                    originConfig.segmentSeconds(segmentSeconds);
                }
                OriginConfig finalOrigin = originSettings.apply(originConfig).build();
                origin = listen(() -> OriginServer.start(finalOrigin), "origin", "--port", originPort);
                String originUrl = "http://" + local + ":" + origin.port();

                for (int i = 0; i < edgeCount; i++) {
                    edges.add(startEdge(SITES.get(i), edgePort == 0 ? 0 : edgePort + i, local, originUrl, routerUrl));
                }
                awaitAvailable(http, routerUrl, edges.stream().map(Edge::name).toList());

                Optional<String> video = newestVideo(http, originUrl);
                if (video.isEmpty() && sampleSeconds > 0) {
                    video = Optional.of(ingestSample(http, originUrl));
                }
                return new LocalCdn(dataDir, router, routerUrl, origin, originUrl, edges, video, http);
            } catch (Exception e) {
                for (Edge edge : edges) {
                    closeQuietly(edge.server().close(), null);
                }
                if (origin != null) {
                    closeQuietly(origin.close(), null);
                }
                if (router != null) {
                    closeQuietly(router.close(), null);
                }
                throw e;
            }
        }

        /**
         * An edge tells the router the URL viewers reach it at, so its port must be known before it starts: a free
         * port is picked, and picked again if another process takes it in between.
         */
        private Edge startEdge(Site site, int port, String local, String originUrl, String routerUrl) throws Exception {
            for (int attempt = 1; ; attempt++) {
                int chosen = port == 0 ? freePort() : port;
                EdgeConfig.Builder config = EdgeConfig.builder().host(host).port(chosen).name(site.name())
                        .origin(originUrl).cacheDir(dataDir.resolve("edges").resolve(site.name())).cacheMax("1g")
                        .router(routerUrl).publicUrl("http://" + local + ":" + chosen).location(site.location());
                EdgeConfig edgeConfig = edgeSettings.apply(config).build();
                try {
                    EdgeServer server = listen(() -> EdgeServer.start(edgeConfig), "edge " + site.name(), "--edge-port", chosen);
                    return new Edge(site.name(), site.city(), "http://" + local + ":" + server.port(), server);
                } catch (ConfigException taken) {
                    if (port != 0 || attempt == 3) {
                        throw taken;
                    }
                }
            }
        }

        /** Starts a role; a port in use becomes a {@link ConfigException} that names it and the flag to change. */
        private <S> S listen(Supplier<Future<S>> starter, String role, String flag, int port) throws Exception {
            try {
                return await(starter.get(), START_TIMEOUT);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof BindException bind) {
                    throw new ConfigException(String.format("cannot listen on %s:%d for the %s (%s); pick another %s",
                            host, port, role, bind.getMessage(), flag));
                }
                throw e;
            }
        }

        private void awaitAvailable(HttpClient http, String routerUrl, List<String> names) throws Exception {
            long deadline = System.nanoTime() + registrationTimeout.toNanos();
            while (true) {
                JsonArray known = new JsonObject(get(http, routerUrl + "/api/edges")).getJsonArray("edges");
                Set<String> available = new LinkedHashSet<>();
                known.stream().map(JsonObject.class::cast).filter(e -> Boolean.TRUE.equals(e.getBoolean("available")))
                        .forEach(e -> available.add(e.getString("name")));
                if (available.containsAll(names)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the router has " + available + " available after "
                            + registrationTimeout.toSeconds() + " s, not all of " + names + "; see the edges' log lines");
                }
                Thread.sleep(100);
            }
        }

        private static Optional<String> newestVideo(HttpClient http, String originUrl) throws IOException, InterruptedException {
            JsonArray videos = new JsonObject(get(http, originUrl + "/api/videos")).getJsonArray("videos");
            return videos.isEmpty() ? Optional.empty() : Optional.of(videos.getJsonObject(0).getString("id"));
        }

        /** Generates the sample once (kept in the data folder) and uploads it the way a user's upload goes. */
        private String ingestSample(HttpClient http, String originUrl) throws IOException, InterruptedException, MediaException {
            Path sample = dataDir.resolve("sample-" + sampleSeconds + "s.mp4");
            if (!Files.exists(sample)) {
                LOG.info("generating a {} s sample video (test pattern and tone) at {}", sampleSeconds, sample);
                Files.createDirectories(dataDir);
                SampleVideo.write(sample, sampleSeconds);
            }
            HttpRequest upload = HttpRequest.newBuilder(URI.create(originUrl + "/api/videos?title=Sample%20test%20pattern"))
                    .header("Content-Type", "video/mp4")
                    .POST(HttpRequest.BodyPublishers.ofFile(sample))
                    .build();
            HttpResponse<String> response = http.send(upload, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IOException("the origin refused the sample (" + response.statusCode() + "): " + response.body());
            }
            return new JsonObject(response.body()).getString("id");
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static <T> T await(Future<T> future, Duration timeout) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
