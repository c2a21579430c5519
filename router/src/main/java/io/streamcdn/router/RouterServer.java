package io.streamcdn.router;

import io.streamcdn.common.MetricsHandler;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.RoleRuntime;
import io.streamcdn.common.Version;
import io.streamcdn.common.http.AccessLog;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.http.DateHeader;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.common.security.AdminGuard;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.router.dns.DnsServer;
import io.streamcdn.router.http.EdgeApi;
import io.streamcdn.router.http.RouterMetrics;
import io.streamcdn.router.http.ViewerRequests;
import io.streamcdn.router.locate.CoverageZones;
import io.streamcdn.router.locate.GeoIp;
import io.streamcdn.router.locate.Locator;
import io.streamcdn.router.net.ClientAddress;
import io.streamcdn.router.registry.EdgeDescription;
import io.streamcdn.router.registry.EdgeRegistry;
import io.streamcdn.router.registry.HealthChecker;
import io.streamcdn.router.routing.EdgeSelector;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The router, assembled: edges from the static file, GeoIP and coverage zones loaded (off the event loop),
 * health checks started, routes mounted, one HTTP server per core sharing the port.
 * <pre>
 *   GET, HEAD  /videos/{id}/...             302 to the chosen edge's same URL (signed, with signing keys)
 *   GET        /api/route?video={id}        the viewer and the ranked edges, as JSON
 *   GET        /api/edges                   the registry with health and load
 *   POST       /api/edges/{name}/heartbeat  an edge registers itself (heartbeat contract 1; admin token)
 *   DELETE     /api/edges/{name}            an edge leaves (admin token)
 *   GET        /metrics, /health
 *   DNS        A/AAAA/SOA/NS for --dns-zone on --dns-port (UDP and TCP), when configured
 * </pre>
 */
public final class RouterServer {

    private static final Logger LOG = LoggerFactory.getLogger(RouterServer.class);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** Heartbeats are small; anything larger is not one. */
    static final long MAX_HEARTBEAT_BYTES = RequestLimits.MAX_JSON_BODY_BYTES;

    private final RouterConfig config;
    private final RoleRuntime runtime;
    private final Parts parts;
    private final List<HttpServer> servers;
    private final Optional<DnsServer> dns;

    private RouterServer(RouterConfig config, RoleRuntime runtime, Parts parts, List<HttpServer> servers,
                         Optional<DnsServer> dns) {
        this.dns = dns;
        this.config = config;
        this.runtime = runtime;
        this.parts = parts;
        this.servers = servers;
    }

    /** What start-up loads from disk (blocking), then the parts built on it. */
    private record Parts(EdgeRegistry registry, Locator locator, Optional<GeoIp> geoIp, HealthChecker health,
                         EdgeSelector selector) {

        static Parts open(Vertx vertx, RouterConfig config, RoleRuntime runtime) throws IOException {
            EdgeRegistry registry = new EdgeRegistry(config.heartbeatTimeout(), runtime.registry());
            CoverageZones zones = CoverageZones.none();
            try {
                if (config.edgesFile().isPresent()) {
                    registry.addStatic(EdgeDescription.file(json(config.edgesFile().get(), "--edges")));
                }
                if (config.coverageZones().isPresent()) {
                    zones = CoverageZones.parse(json(config.coverageZones().get(), "--coverage-zones"));
                }
            } catch (IllegalArgumentException e) {
                throw new io.streamcdn.common.ConfigException("--edges / --coverage-zones: " + e.getMessage());
            }
            Optional<GeoIp> geoIp = Optional.empty();
            if (config.geoip().isPresent()) {
                geoIp = Optional.of(GeoIp.open(config.geoip().get()));
                LOG.info("GeoIP database {} ({})", config.geoip().get(), geoIp.get().type());
            }
            Locator locator = new Locator(zones, geoIp, config.defaultLocation());
            HealthChecker health = new HealthChecker(vertx, registry, config.healthInterval(), config.healthTimeout());
            EdgeSelector selector = new EdgeSelector(registry, locator, config.toleranceKm(), config.maxLoad());
            return new Parts(registry, locator, geoIp, health, selector);
        }

        private static JsonObject json(java.nio.file.Path file, String flag) throws IOException {
            try {
                return new JsonObject(Buffer.buffer(Files.readAllBytes(file)));
            } catch (RuntimeException e) {
                throw new io.streamcdn.common.ConfigException(flag + " " + file + " is not valid: " + e.getMessage());
            }
        }
    }

    public static void main(String[] args) {
        System.exit(RoleCommand.run("router", new RouterCommand(), args));
    }

    /** Loads, checks and listens; the future belongs to no Vert.x context. */
    public static Future<RouterServer> start(RouterConfig config) {
        long startedNanos = System.nanoTime();
        RoleRuntime runtime = new RoleRuntime("router", false); // counts its own requests: RouterMetrics
        Vertx vertx = runtime.vertx();
        CompletableFuture<RouterServer> started = new CompletableFuture<>();
        vertx.executeBlocking(() -> Parts.open(vertx, config, runtime), false)
                .compose(parts -> {
                    Front front = front(vertx, config, runtime, parts, startedNanos);
                    return listen(vertx, config, front)
                            .compose(servers -> listenDns(vertx, config, runtime, parts)
                                    .map(dns -> new RouterServer(config, runtime, parts, servers, dns)))
                            .onSuccess(started1 -> parts.health().start());
                })
                .onComplete(result -> {
                    if (result.succeeded()) {
                        LOG.info("router listening on {}:{} ({} event loops, {} edges from the file)", config.host(),
                                result.result().port(), result.result().servers.size(),
                                result.result().parts.registry().all().size());
                        started.complete(result.result());
                    } else {
                        runtime.shutdown().whenComplete((ignored, e) -> started.completeExceptionally(result.cause()));
                    }
                });
        return Future.fromCompletionStage(started);
    }

    /** The authoritative DNS front end, when {@code --dns-port} and {@code --dns-zone} are given. */
    private static Future<Optional<DnsServer>> listenDns(Vertx vertx, RouterConfig config, RoleRuntime runtime,
                                                         Parts parts) {
        if (config.dnsPort().isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return new DnsServer(vertx, config.dnsZone().orElseThrow(), config.dnsNameserverAddresses(), parts.selector(),
                runtime.registry())
                .listen(config.host(), config.dnsPort().get()).map(Optional::of);
    }

    /**
     * One server per core on the same port, as the edge does: Vert.x spreads connections across them, so
     * every core's event loop answers its share (a single server would run on one event loop, one core).
     * The first one picks the port when the configuration asks for any.
     */
    private static Future<List<HttpServer>> listen(Vertx vertx, RouterConfig config, Front front) {
        HttpServerOptions options;
        try {
            options = ServerTls.configure(RequestLimits.applyTo(new HttpServerOptions()).setHost(config.host())
                    .setPort(config.port() == 0 ? freePort(config.host()) : config.port())
                    .setTcpNoDelay(true)
                    // The router serves no WebSockets: without these, every connection carries Netty's WebSocket
                    // extension handler, which inspects every request and response for an upgrade.
                    .setPerMessageWebSocketCompressionSupported(false)
                    .setPerFrameWebSocketCompressionSupported(false)
                    // Every handler answers on its request's event loop (blocking work returns through a future
                    // on the same context), so Vert.x may skip its cross-thread checks and locks per request.
                    .setStrictThreadMode(true), config.tls());
        } catch (IOException e) {
            return Future.failedFuture(e);
        }
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        List<HttpServer> servers = new CopyOnWriteArrayList<>();
        return vertx.deployVerticle(() -> new Listener(options, front, servers), new DeploymentOptions())
                .compose(first -> instances == 1 ? Future.succeededFuture(List.copyOf(servers))
                        : vertx.deployVerticle(() -> new Listener(options, front, servers),
                                new DeploymentOptions().setInstances(instances - 1)).map(more -> List.copyOf(servers)));
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

    /** One HTTP server on its own event loop; Vert.x shares the port among the servers of different verticles. */
    private static final class Listener extends VerticleBase {

        private final HttpServerOptions options;
        private final Front front;
        private final List<HttpServer> servers;

        Listener(HttpServerOptions options, Front front, List<HttpServer> servers) {
            this.options = options;
            this.front = front;
            this.servers = servers;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(options).invalidRequestHandler(RequestLimits.refusals("router"))
                    .requestHandler(front::handle).listen().onSuccess(servers::add);
        }
    }

    private static final String ROUTE_KEY = "streamcdn.route";

    /** Labels the request's count with its route template (failure handlers run on other routes). */
    private static io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> countedAs(String route) {
        return ctx -> {
            ctx.put(ROUTE_KEY, route);
            ctx.next();
        };
    }

    /** Redirects answered directly; everything else through the Vert.x-web router. */
    private record Front(ViewerRequests viewers, Router router) {
        void handle(io.vertx.core.http.HttpServerRequest request) {
            if (!viewers.redirect(request)) {
                router.handle(request);
            }
        }
    }

    private static Front front(Vertx vertx, RouterConfig config, RoleRuntime runtime, Parts parts, long startedNanos) {
        RouterMetrics metrics = new RouterMetrics(runtime.registry());
        CorsPolicy cors = new CorsPolicy(config.corsOrigins());
        AccessLog accessLog = new AccessLog();
        DateHeader date = new DateHeader();
        Optional<UrlSigner> signer = config.signingKeys()
                .map(keys -> new UrlSigner(keys, config.signedUrlTtl(), Clock.systemUTC()));
        signer.ifPresent(s -> LOG.info("router: viewers get URLs signed with key {} from {}, valid {}",
                s.keys().signing().id(), s.keys().source(), io.streamcdn.common.DurationText.format(s.ttl())));
        ViewerRequests viewers = new ViewerRequests(parts.selector(), new ClientAddress(config.trustedProxies()), metrics,
                cors, date, accessLog, signer);
        EdgeApi edges = new EdgeApi(parts.registry(), parts.health());

        Router router = Router.router(vertx);
        router.route().handler(accessLog);
        router.route().handler(ctx -> {
            ctx.addEndHandler(ended -> metrics.answered(ctx.get(ROUTE_KEY, "other"), ctx.response().getStatusCode()));
            ctx.next();
        });
        router.route().handler(date);
        router.route().handler(cors.responses(ViewerRequests.EXPOSED_HEADERS));
        router.options().handler(cors.preflight("GET, HEAD, OPTIONS", "Content-Type"));
        router.get("/metrics").setName("/metrics").handler(countedAs("/metrics")).handler(new MetricsHandler(runtime.registry()));
        router.get("/health").setName("/health").handler(countedAs("/health")).handler(ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(new JsonObject().put("status", parts.registry().available().isEmpty() ? "no-edges" : "ok")
                        .put("role", "router").put("version", Version.current())
                        .put("uptimeSeconds", (System.nanoTime() - startedNanos) / 1_000_000_000L)
                        .put("edges", parts.registry().all().size())
                        .put("available", parts.registry().available().size()).encode()));
        // Good redirects never reach the router (see Front); a bad video id does, for the usual JSON 400.
        router.route("/videos/:id/*").setName(ViewerRequests.REDIRECT_ROUTE).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(countedAs(ViewerRequests.REDIRECT_ROUTE)).handler(viewers::badRedirect);
        router.get("/api/route").setName("/api/route").handler(countedAs("/api/route")).handler(viewers::route);
        router.get("/api/edges").setName("/api/edges").handler(countedAs("/api/edges")).handler(edges::list);
        AdminGuard.announce("router", config.adminToken(), "edge registrations, heartbeats and deregistrations");
        AdminGuard guard = new AdminGuard("router", config.adminToken());
        // The guard on a route of its own, before the body is read: Vert.x-web allows no handler before a BodyHandler.
        router.post("/api/edges/:name/heartbeat").handler(countedAs("/api/edges/:name/heartbeat")).handler(guard);
        router.post("/api/edges/:name/heartbeat").setName("/api/edges/:name/heartbeat")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_HEARTBEAT_BYTES))
                .handler(countedAs("/api/edges/:name/heartbeat"))
                .handler(edges::heartbeat);
        router.delete("/api/edges/:name").setName("/api/edges/:name").handler(countedAs("/api/edges/:name"))
                .handler(guard).handler(edges::deregister);
        new JsonErrors("router", failure -> Optional.empty(),
                "the router answers /videos/{id}/..., /api/route?video=, /api/edges, /health and /metrics").mount(router);
        return new Front(viewers, router);
    }

    /** The port the servers listen on (the real one when the configuration asked for 0). */
    public int port() {
        return servers.get(0).actualPort();
    }

    public RouterConfig config() {
        return config;
    }

    /** The DNS server's port (UDP and TCP), when DNS routing is on. */
    public Optional<Integer> dnsPort() {
        return dns.map(DnsServer::port);
    }

    /** {@link #close(Duration)} with the default grace period. */
    public Future<Void> close() {
        return close(SHUTDOWN_GRACE);
    }

    /**
     * Stops listening (letting in-flight requests finish for at most {@code grace}), stops the checks, closes
     * Vert.x.
     */
    public Future<Void> close(Duration grace) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Future<Void> dnsClosed = dns.map(DnsServer::close).orElse(Future.succeededFuture());
        dnsClosed.eventually(() -> {
            List<Future<Void>> stopping = new ArrayList<>();
            for (HttpServer server : servers) {
                stopping.add(server.shutdown(grace));
            }
            return Future.join(stopping);
        }).onComplete(ignored -> CompletableFuture.runAsync(() -> {
            parts.health().close();
            parts.geoIp().ifPresent(g -> {
                try {
                    g.close();
                } catch (IOException e) {
                    LOG.debug("closing GeoIP: {}", e.toString());
                }
            });
        }).thenCompose(done -> runtime.shutdown()).whenComplete((done, error) -> {
            LOG.info("router stopped");
            if (error == null) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(error);
            }
        }));
        return Future.fromCompletionStage(closed);
    }
}
