package io.streamcdn.origin;

import io.streamcdn.common.MetricsHandler;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.RoleRuntime;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.origin.api.UploadLimits;
import io.streamcdn.origin.api.UploadMetrics;
import io.streamcdn.origin.api.UploadReceiver;
import io.streamcdn.origin.api.VideoApi;
import io.streamcdn.origin.api.VideoLinks;
import io.streamcdn.common.http.AccessLog;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.http.DateHeader;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.security.AdminGuard;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.SignedUrlGate;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.origin.http.OriginErrors;
import io.streamcdn.origin.jobs.Catalog;
import io.streamcdn.origin.jobs.DataDirectory;
import io.streamcdn.origin.jobs.EncodeMetrics;
import io.streamcdn.origin.jobs.EncodeQueue;
import io.streamcdn.origin.qoe.QoeApi;
import io.streamcdn.origin.qoe.QoeMetrics;
import io.streamcdn.origin.serve.PlayerSite;
import io.streamcdn.origin.serve.ServeMetrics;
import io.streamcdn.origin.serve.VideoFileHandler;
import io.streamcdn.origin.serve.VideoFiles;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The origin, assembled: configuration in, parts built with plain constructors, routes mounted, one HTTP
 * server listening (HTTP/1.1 with keep-alive, and HTTP/2 over cleartext for clients that ask for h2c; or
 * HTTPS with HTTP/2 by ALPN when a certificate is configured).
 * <pre>
 *   GET          /metrics             Prometheus text (Vert.x HTTP server, JVM and process, origin meters)
 *   GET          /health              JSON status
 *   *            /api/videos...       upload and catalog API (io.streamcdn.origin.api), mounted by {@link #routes}
 *   POST         /api/qoe             players' QoE beacons ({@link QoeApi}), no admin token
 *   GET, HEAD    /videos/{id}/{file}  published files ({@link VideoFileHandler}); with signing keys only for
 *                                     the admin token ({@link SignedUrlGate})
 *   GET, HEAD    /s/{exp}/{key}/{sig}/videos/{id}/{file}  the same files under a signed URL (viewers, edges)
 *   OPTIONS      /videos/..., /s/...  CORS preflight
 *   GET, HEAD    /player-config.json  where the web player finds the origin and the router ({@link PlayerSite})
 *   GET, HEAD    /, /watch.html, ...  the web player's pages, from memory
 * </pre>
 * Routes carry names that are their templates, so the {@code route} label of
 * {@code vertx_http_server_requests_total} never holds a video id.
 */
public final class OriginServer {

    private static final Logger LOG = LoggerFactory.getLogger(OriginServer.class);

    static final String VIDEO_ROUTE = "/videos/:id/*";
    static final String SIGNED_VIDEO_ROUTE = "/s/:expires/:keyId/:signature/videos/:id/*";
    static final String VIDEO_METHODS = "GET, HEAD, OPTIONS";
    static final String VIDEO_EXPOSED_HEADERS = "Content-Length, Content-Range, ETag, Accept-Ranges, Age";
    static final String VIDEO_REQUEST_HEADERS = "Range, If-Range, If-None-Match, If-Modified-Since, If-Match, "
            + "If-Unmodified-Since";
    /** How long in-flight requests may take to finish when the origin stops. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final OriginConfig config;
    private final RoleRuntime runtime;
    private final Jobs jobs;
    private final HttpServer server;

    private OriginServer(OriginConfig config, RoleRuntime runtime, Jobs jobs, HttpServer server) {
        this.config = config;
        this.runtime = runtime;
        this.jobs = jobs;
        this.server = server;
    }

    /**
     * The encoding side: data folder, catalog and queue. Opening it reads the catalog and cleans up after
     * a crash (disk work), so it runs on a worker thread; the queue is started before the server listens,
     * so a restarted origin resumes its jobs before it takes new uploads.
     */
    private record Jobs(DataDirectory data, Catalog catalog, MediaPipeline pipeline, EncodeQueue queue) {

        static Jobs open(OriginConfig config, RoleRuntime runtime) throws IOException {
            DataDirectory data = DataDirectory.open(config.dataDir());
            Catalog catalog = Catalog.load(data);
            MediaPipeline pipeline = new MediaPipeline(config.encoderSettings());
            EncodeQueue queue = new EncodeQueue(catalog, data, pipeline, config.encodeWorkers(),
                    new EncodeMetrics(runtime.registry()));
            queue.start();
            return new Jobs(data, catalog, pipeline, queue);
        }
    }

    /** What start-up reads from disk before the server listens. */
    private record Opened(Jobs jobs, PlayerSite site) {
    }

    public static void main(String[] args) {
        System.exit(RoleCommand.run("origin", new OriginCommand(), args));
    }

    /**
     * Builds the origin and starts listening; fails, with Vert.x closed again, if it cannot. The future
     * belongs to no Vert.x context: its callbacks run on the thread that completes it.
     */
    public static Future<OriginServer> start(OriginConfig config) {
        long startedNanos = System.nanoTime();
        RoleRuntime runtime = new RoleRuntime("origin");
        Vertx vertx = runtime.vertx();
        CompletableFuture<OriginServer> started = new CompletableFuture<>();
        // The player's pages are read first: if they cannot be, no encode queue has been started to stop again.
        vertx.executeBlocking(() -> {
                    PlayerSite site = PlayerSite.load(OriginServer.class.getClassLoader(), config);
                    return new Opened(Jobs.open(config, runtime), site);
                }, false)
                .compose(opened -> {
                    Jobs jobs = opened.jobs();
                    Router router = routes(vertx, config, runtime, jobs, opened.site(), startedNanos);
                    HttpServerOptions options = ServerTls.configure(new HttpServerOptions()
                            .setHost(config.host())
                            .setPort(config.port()), config.tls());
                    return vertx.createHttpServer(options).requestHandler(router).listen()
                            .map(server -> new OriginServer(config, runtime, jobs, server))
                            .onFailure(e -> jobs.queue().close());
                })
                .onComplete(result -> {
                    if (result.succeeded()) {
                        LOG.info("origin listening on {}:{}", config.host(), result.result().port());
                        started.complete(result.result());
                    } else {
                        runtime.shutdown().whenComplete((ignored, e) -> started.completeExceptionally(result.cause()));
                    }
                });
        return Future.fromCompletionStage(started);
    }

    static Router routes(Vertx vertx, OriginConfig config, RoleRuntime runtime, Jobs jobs, PlayerSite site,
                         long startedNanos) {
        Router router = Router.router(vertx);
        CorsPolicy cors = new CorsPolicy(config.corsOrigins());

        router.route().handler(new AccessLog());
        router.route().handler(new DateHeader());

        router.get("/metrics").setName("/metrics").handler(new MetricsHandler(runtime.registry()));
        router.get("/health").setName("/health").handler(new HealthHandler(config.dataDir(), startedNanos));

        // Uploads are streamed to disk: no body handler may run before these routes.
        UploadReceiver uploads = new UploadReceiver(vertx, jobs.data(), UploadLimits.of(config.maxUploadBytes()),
                new UploadMetrics(runtime.registry()));
        AdminGuard.announce("origin", config.adminToken(), "uploads and deletes");
        Optional<UrlSigner> signer = config.signingKeys()
                .map(keys -> new UrlSigner(keys, config.signedUrlTtl(), Clock.systemUTC()));
        new VideoApi(vertx, jobs.catalog(), jobs.queue(), uploads, jobs.pipeline(),
                VideoLinks.under(config.publicUrl()).signedBy(signer))
                .mount(router, new AdminGuard("origin", config.adminToken()));

        // Beacons are read by their own capped handler: like uploads, no body handler before it.
        new QoeApi(new QoeMetrics(runtime.registry()), cors).mount(router);

        VideoFiles files = new VideoFiles(config.videosDir());
        ServeMetrics serveMetrics = new ServeMetrics(runtime.registry());
        // One route per method group, each named after its template: Vert.x joins the names of every named
        // route a request passes through into the route label, so a separate CORS route would double it.
        Handler<RoutingContext> corsHeaders = cors.responses(VIDEO_EXPOSED_HEADERS);
        // Edges fetch under signed URLs too (they sign with the same keys), so with keys the plain paths are
        // left to the admin token: an operator's curl.
        SignedUrlGate gate = new SignedUrlGate("origin", signer, config.adminToken(), runtime.registry(),
                "streamcdn.signed.url.refusals");
        gate.announce();
        VideoFileHandler fileHandler = new VideoFileHandler(files, serveMetrics);
        mountVideos(router, "/videos/*", VIDEO_ROUTE, cors, corsHeaders, gate.plain(), fileHandler);
        mountVideos(router, "/s/*", SIGNED_VIDEO_ROUTE, cors, corsHeaders, gate.signed(), fileHandler);

        // Last of the GET routes: the player's pages take whatever path the API and the videos did not.
        if (!site.hasPages()) {
            LOG.warn("the web player's pages are not on the classpath; / serves nothing (the API and videos work)");
        }
        site.mount(router);

        OriginErrors.handler().mount(router);
        return router;
    }

    /** GET and HEAD through {@code gate} to {@code files}, CORS preflights, 405 for other methods. */
    private static void mountVideos(Router router, String path, String name, CorsPolicy cors,
                                    Handler<RoutingContext> corsHeaders, Handler<RoutingContext> gate,
                                    Handler<RoutingContext> files) {
        router.route(path).setName(name).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(corsHeaders)
                .handler(gate)
                .handler(files);
        router.options(path).setName(name).handler(cors.preflight(VIDEO_METHODS, VIDEO_REQUEST_HEADERS));
        router.route(path).setName(name)
                .handler(corsHeaders)
                .handler(ctx -> ctx.fail(HttpProblem.methodNotAllowed(ctx.request().method().name(), VIDEO_METHODS)));
    }

    /** The port the server listens on (the real one when the configuration asked for 0). */
    public int port() {
        return server.actualPort();
    }

    public OriginConfig config() {
        return config;
    }

    /**
     * Stops accepting connections, lets in-flight requests finish (up to a grace period), then closes Vert.x.
     * Like {@link #start}, the future belongs to no Vert.x context.
     */
    public Future<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        server.shutdown(SHUTDOWN_GRACE).onComplete(ignored -> CompletableFuture.runAsync(jobs.queue()::close)
                .thenCompose(queueClosed -> runtime.shutdown()).whenComplete((done, error) -> {
            LOG.info("origin stopped");
            if (error == null) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(error);
            }
        }));
        return Future.fromCompletionStage(closed);
    }
}
