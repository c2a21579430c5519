package io.streamcdn.edge;

import io.micrometer.core.instrument.Gauge;
import io.streamcdn.common.MetricsHandler;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.RoleRuntime;
import io.streamcdn.common.Version;
import io.streamcdn.common.http.AccessLog;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.http.DateHeader;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.common.security.AdminGuard;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.SignedUrlGate;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.cache.HotObjects;
import io.streamcdn.edge.proxy.CacheWriteFailures;
import io.streamcdn.edge.proxy.Fill;
import io.streamcdn.edge.proxy.Fills;
import io.streamcdn.edge.proxy.Prefetcher;
import io.streamcdn.edge.proxy.ProxyHandler;
import io.streamcdn.edge.proxy.ProxyMetrics;
import io.streamcdn.edge.proxy.Upstream;
import io.streamcdn.edge.registration.RouterHeartbeat;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The edge, assembled: configuration in, disk cache opened (its index rebuilt off the event loop), routes
 * mounted, one HTTP server per core sharing the port (HTTP/1.1 keep-alive, h2c, or HTTP/2 over TLS by
 * ALPN when a certificate is configured).
 * <pre>
 *   GET, HEAD    /videos/**                     cached proxy of the origin ({@link ProxyHandler}); with signing
 *                                               keys only for the admin token ({@link SignedUrlGate})
 *   GET, HEAD    /s/{exp}/{key}/{sig}/videos/** the same files under a signed URL, checked before the cache
 *   OPTIONS      /videos/**, /s/**              CORS preflight
 *   DELETE       /api/cache/videos/{id}         purge one video (admin token, or loopback without one)
 *   GET          /metrics                       Prometheus text
 *   GET          /health                        JSON: cache usage, upstream reachability
 * </pre>
 */
public final class EdgeServer {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);

    static final String VIDEO_ROUTE = "/videos/:id/*";
    static final String SIGNED_VIDEO_ROUTE = "/s/:expires/:keyId/:signature/videos/:id/*";
    /**
     * How long the signature of an upstream request is valid: it is used at once, so this only has to cover the
     * clock difference between this edge and its upstream.
     */
    static final Duration UPSTREAM_SIGNATURE_TTL = Duration.ofMinutes(5);
    static final String VIDEO_METHODS = "GET, HEAD, OPTIONS";
    static final String EXPOSED_HEADERS = "Content-Length, Content-Range, ETag, Accept-Ranges, Age, X-Cache, Via";
    static final String REQUEST_HEADERS = "Range, If-Range, If-None-Match, If-Modified-Since, If-Match, "
            + "If-Unmodified-Since";
    /** How long in-flight responses may take to finish when the edge stops. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** Memory for small hot objects (manifests, init segments), on top of the disk cache. */
    static final long HOT_OBJECTS_MAX_BYTES = 64L << 20;
    /** Prefetches running at once, at most. */
    static final int PREFETCH_CONCURRENCY = 4;

    private final EdgeConfig config;
    private final RoleRuntime runtime;
    private final DiskCache cache;
    private final Upstream upstream;
    private final UpstreamProbe probe;
    private final Optional<RouterHeartbeat> heartbeat;
    private final List<HttpServer> servers;
    /** Set when {@link #close} begins: responses from memory then end only once written (see {@code WholeBody}). */
    private final AtomicBoolean stopping;

    private EdgeServer(EdgeConfig config, RoleRuntime runtime, DiskCache cache, Upstream upstream, UpstreamProbe probe,
                       Optional<RouterHeartbeat> heartbeat, List<HttpServer> servers, AtomicBoolean stopping) {
        this.heartbeat = heartbeat;
        this.stopping = stopping;
        this.config = config;
        this.runtime = runtime;
        this.cache = cache;
        this.upstream = upstream;
        this.probe = probe;
        this.servers = servers;
    }

    public static void main(String[] args) {
        System.exit(RoleCommand.run("edge", new EdgeCommand(), args));
    }

    /**
     * Opens the cache and starts listening; fails, with Vert.x closed again, if it cannot. The future
     * belongs to no Vert.x context: its callbacks run on the thread that completes it.
     */
    public static Future<EdgeServer> start(EdgeConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(EdgeConfig)}, with the clock freshness is judged by (tests move it forward). */
    public static Future<EdgeServer> start(EdgeConfig config, Clock clock) {
        long startedNanos = System.nanoTime();
        RoleRuntime runtime = new RoleRuntime("edge");
        Vertx vertx = runtime.vertx();
        CompletableFuture<EdgeServer> started = new CompletableFuture<>();
        vertx.executeBlocking(() -> DiskCache.open(config.cacheDir(), config.cacheMaxBytes()), false)
                .compose(cache -> {
                    List<URI> upstreams = new ArrayList<>();
                    config.parent().ifPresent(upstreams::add);
                    upstreams.add(config.origin());
                    Optional<UrlSigner> signer = config.signingKeys()
                            .map(keys -> new UrlSigner(keys, UPSTREAM_SIGNATURE_TTL, clock));
                    Upstream upstream = new Upstream(vertx, upstreams, config.upstreamTimeout(), signer);
                    UpstreamProbe probe = new UpstreamProbe(vertx, upstream.primary());
                    AtomicInteger connections = new AtomicInteger();
                    ProxyMetrics metrics = new ProxyMetrics(runtime.registry());
                    AtomicBoolean stopping = new AtomicBoolean();
                    Router router = routes(vertx, config, runtime, cache, upstream, probe, metrics, connections, clock,
                            startedNanos, signer, stopping);
                    Optional<RouterHeartbeat> heartbeat = config.router().map(r -> new RouterHeartbeat(vertx, config,
                            new LoadMeter(connections, metrics, cache), runtime.registry()));
                    return listen(vertx, config, router, connections)
                            .map(servers -> new EdgeServer(config, runtime, cache, upstream, probe, heartbeat, servers,
                                    stopping))
                            .onSuccess(edge -> {
                                probe.start();
                                heartbeat.ifPresent(RouterHeartbeat::start);
                            })
                            .onFailure(e -> {
                                probe.close();
                                upstream.close();
                                cache.close();
                            });
                })
                .onComplete(result -> {
                    if (result.succeeded()) {
                        LOG.info("edge {} listening on {}:{} ({} event loops)", config.name(), config.host(),
                                result.result().port(), result.result().servers.size());
                        started.complete(result.result());
                    } else {
                        runtime.shutdown().whenComplete((ignored, e) -> started.completeExceptionally(result.cause()));
                    }
                });
        return Future.fromCompletionStage(started);
    }

    /**
     * One server per core on the same port: Vert.x spreads connections across them, so each core's event
     * loop serves its share. The first one picks the port when the configuration asks for any.
     */
    private static Future<List<HttpServer>> listen(Vertx vertx, EdgeConfig config, Router router,
                                                   AtomicInteger connections) {
        HttpServerOptions options;
        try {
            options = RequestLimits.applyTo(new HttpServerOptions())
                .setHost(config.host())
                .setPort(config.port() == 0 ? freePort(config.host()) : config.port())
                .setTcpNoDelay(true)
                .setCompressionSupported(false);
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        ServerTls.configure(options, config.tls());
        Handler<HttpConnection> counter = connection -> {
            connections.incrementAndGet();
            connection.closeHandler(ignored -> connections.decrementAndGet());
        };
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new Listener(options, router, counter, servers), new DeploymentOptions())
                .compose(first -> {
                    if (instances == 1) {
                        return Future.succeededFuture(List.copyOf(servers));
                    }
                    return vertx.deployVerticle(() -> new Listener(options, router, counter, servers),
                            new DeploymentOptions().setInstances(instances - 1)).map(more -> List.copyOf(servers));
                });
    }

    /**
     * A port nothing listens on now, for "--port 0": Vert.x shares a port among servers that ask for the
     * same number, and would give each server asking for 0 a different one.
     */
    private static int freePort(String host) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return probe.getLocalPort();
        }
    }

    /**
     * One HTTP server on its own event loop. Vert.x shares a port among servers of different verticles, so
     * deploying one per core spreads connections over every core.
     */
    private static final class Listener extends VerticleBase {

        private final HttpServerOptions options;
        private final Router router;
        private final Handler<HttpConnection> connections;
        private final List<HttpServer> servers;

        Listener(HttpServerOptions options, Router router, Handler<HttpConnection> connections,
                 List<HttpServer> servers) {
            this.options = options;
            this.router = router;
            this.connections = connections;
            this.servers = servers;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).invalidRequestHandler(RequestLimits.refusals("edge"))
                    .requestHandler(router).connectionHandler(connections).listen()
                    .onSuccess(servers::add);
        }
    }

    static Router routes(Vertx vertx, EdgeConfig config, RoleRuntime runtime, DiskCache cache, Upstream upstream,
                         UpstreamProbe probe, ProxyMetrics metrics, AtomicInteger connections, Clock clock,
                         long startedNanos, Optional<UrlSigner> signer, AtomicBoolean stopping) {
        cache.bindMetrics(runtime.registry());
        Gauge.builder("streamcdn.edge.cache.bytes", cache, DiskCache::bytes).baseUnit("bytes")
                .description("Bytes of the cached objects on disk (bodies and metadata)").register(runtime.registry());
        Gauge.builder("streamcdn.edge.cache.max.bytes", cache, DiskCache::maxBytes).baseUnit("bytes")
                .description("The cache's size limit (--cache-max)").register(runtime.registry());
        Gauge.builder("streamcdn.edge.cache.entries", cache, DiskCache::entries)
                .description("Objects in the cache").register(runtime.registry());
        Gauge.builder("streamcdn.edge.cache.evictions", cache, DiskCache::evictions)
                .description("Objects evicted by the size limit since start").register(runtime.registry());
        Gauge.builder("streamcdn.edge.open.connections", connections, AtomicInteger::get)
                .description("Client connections open now").register(runtime.registry());

        HotObjects hot = new HotObjects(Math.min(HOT_OBJECTS_MAX_BYTES, config.cacheMaxBytes() / 4));
        Gauge.builder("streamcdn.edge.memory.bytes", hot, HotObjects::bytes).baseUnit("bytes")
                .description("Bytes of small cached objects also held in memory").register(runtime.registry());
        Fill.Setup setup = new Fill.Setup(vertx, cache, upstream, metrics, clock, config.staleIfError(),
                Math.max(1, config.cacheMaxBytes() / 8), new CacheWriteFailures(runtime.registry(), clock));
        Fills fills = new Fills(setup);
        Prefetcher prefetcher = new Prefetcher(cache, fills, metrics, config.prefetch(), PREFETCH_CONCURRENCY);

        Router router = Router.router(vertx);
        CorsPolicy cors = new CorsPolicy(config.corsOrigins());
        router.route().handler(new AccessLog());
        router.route().handler(new DateHeader());
        router.get("/metrics").setName("/metrics").handler(new MetricsHandler(runtime.registry()));
        router.get("/health").setName("/health").handler(ctx -> health(ctx, config, cache, probe, connections,
                startedNanos));
        AdminGuard.announce("edge " + config.name(), config.adminToken(), "cache purges");
        router.delete("/api/cache/videos/:id").setName("/api/cache/videos/:id")
                .handler(new AdminGuard("edge", config.adminToken()))
                .handler(new PurgeHandler(cache, fills));

        Handler<RoutingContext> corsHeaders = cors.responses(EXPOSED_HEADERS);
        // Signed URLs are checked before the proxy: a refused request never reaches the cache or the upstream.
        SignedUrlGate gate = new SignedUrlGate("edge " + config.name(), signer, config.adminToken(), runtime.registry(),
                "streamcdn.edge.signed.url.refusals");
        gate.announce();
        ProxyHandler proxy = new ProxyHandler(cache, hot, fills, prefetcher, metrics, config.name(), clock,
                stopping::get);
        mountVideos(router, "/videos/*", VIDEO_ROUTE, cors, corsHeaders, gate.plain(), proxy);
        mountVideos(router, "/s/*", SIGNED_VIDEO_ROUTE, cors, corsHeaders, gate.signed(), proxy);

        new JsonErrors("edge", failure -> Optional.empty(),
                "the edge serves /videos/{id}/..., /health and /metrics").mount(router);
        return router;
    }

    /** GET and HEAD through {@code gate} to {@code proxy}, CORS preflights, 405 for other methods. */
    private static void mountVideos(Router router, String path, String name, CorsPolicy cors,
                                    Handler<RoutingContext> corsHeaders, Handler<RoutingContext> gate,
                                    Handler<RoutingContext> proxy) {
        router.route(path).setName(name).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(corsHeaders)
                .handler(gate)
                .handler(proxy);
        router.options(path).setName(name).handler(cors.preflight(VIDEO_METHODS, REQUEST_HEADERS));
        router.route(path).setName(name)
                .handler(corsHeaders)
                .handler(ctx -> ctx.fail(HttpProblem.methodNotAllowed(ctx.request().method().name(), VIDEO_METHODS)));
    }

    private static void health(RoutingContext ctx, EdgeConfig config, DiskCache cache, UpstreamProbe probe,
                               AtomicInteger connections, long startedNanos) {
        UpstreamProbe.Status upstream = probe.status();
        long bytes = cache.bytes();
        JsonObject body = new JsonObject()
                .put("status", upstream.reachable() ? "ok" : "degraded")
                .put("role", "edge")
                .put("name", config.name())
                .put("version", Version.current())
                .put("uptimeSeconds", (System.nanoTime() - startedNanos) / 1_000_000_000L)
                .put("connections", connections.get())
                .put("cache", new JsonObject()
                        .put("bytes", bytes)
                        .put("maxBytes", cache.maxBytes())
                        .put("usage", Math.round(1000.0 * bytes / cache.maxBytes()) / 1000.0)
                        .put("entries", cache.entries()))
                .put("upstream", upstream.toJson(probe.upstream()));
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encode());
    }

    /** The port the server listens on (the real one when the configuration asked for 0). */
    public int port() {
        return servers.get(0).actualPort();
    }

    public EdgeConfig config() {
        return config;
    }

    /** The ports of the per-core servers: all the same one, shared. */
    java.util.Set<Integer> boundPorts() {
        java.util.Set<Integer> ports = new java.util.TreeSet<>();
        servers.forEach(server -> ports.add(server.actualPort()));
        return ports;
    }

    /** Waits for pending cache evictions and their file deletes; for tests that measure the folder. */
    public void settleCache() {
        cache.settle();
    }

    /** {@link #close(Duration)} with the default grace period. */
    public Future<Void> close() {
        return close(SHUTDOWN_GRACE);
    }

    /**
     * Deregisters from the router (when there is one), stops accepting connections, lets in-flight responses finish
     * (for at most {@code grace}; then they are cut), then closes the cache and Vert.x. Like {@link #start}, the
     * future belongs to no Vert.x context.
     */
    public Future<Void> close(Duration grace) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        stopping.set(true);
        // Deregister first, while still serving, so the router sends no new viewers to a closing edge.
        Future<Void> deregistered = heartbeat.map(RouterHeartbeat::stop).orElse(Future.succeededFuture());
        deregistered.eventually(() -> {
            List<Future<Void>> stopping = new ArrayList<>();
            for (HttpServer server : servers) {
                stopping.add(server.shutdown(grace));
            }
            return Future.join(stopping);
        }).onComplete(ignored -> CompletableFuture.runAsync(() -> {
            probe.close();
            upstream.close();
            cache.close();
        }).thenCompose(done -> runtime.shutdown()).whenComplete((done, error) -> {
            LOG.info("edge {} stopped", config.name());
            if (error == null) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(error);
            }
        }));
        return Future.fromCompletionStage(closed);
    }
}
