package io.streamcdn.origin;

import io.streamcdn.common.MetricsHandler;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.RoleRuntime;
import io.streamcdn.origin.http.AccessLog;
import io.streamcdn.origin.http.CorsPolicy;
import io.streamcdn.origin.http.HttpDate;
import io.streamcdn.origin.http.HttpProblem;
import io.streamcdn.origin.http.OriginErrors;
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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The origin, assembled: configuration in, parts built with plain constructors, routes mounted, one HTTP
 * server listening (HTTP/1.1 with keep-alive, and HTTP/2 over cleartext for clients that ask for h2c).
 * <pre>
 *   GET          /metrics             Prometheus text (Vert.x HTTP server, JVM and process, origin meters)
 *   GET          /health              JSON status
 *   *            /api/videos...       upload and catalog API (io.streamcdn.origin.api), mounted by {@link #routes}
 *   GET, HEAD    /videos/{id}/{file}  published files ({@link VideoFileHandler})
 *   OPTIONS      /videos/...          CORS preflight
 * </pre>
 * Routes carry names that are their templates, so the {@code route} label of
 * {@code vertx_http_server_requests_total} never holds a video id.
 */
public final class OriginServer {

    private static final Logger LOG = LoggerFactory.getLogger(OriginServer.class);

    static final String VIDEO_ROUTE = "/videos/:id/*";
    static final String VIDEO_METHODS = "GET, HEAD, OPTIONS";
    static final String VIDEO_EXPOSED_HEADERS = "Content-Length, Content-Range, ETag, Accept-Ranges, Age";
    static final String VIDEO_REQUEST_HEADERS = "Range, If-Range, If-None-Match, If-Modified-Since, If-Match, "
            + "If-Unmodified-Since";
    /** How long in-flight requests may take to finish when the origin stops. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final OriginConfig config;
    private final RoleRuntime runtime;
    private final HttpServer server;

    private OriginServer(OriginConfig config, RoleRuntime runtime, HttpServer server) {
        this.config = config;
        this.runtime = runtime;
        this.server = server;
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
        HttpServer server;
        try {
            Router router = routes(vertx, config, runtime, startedNanos);
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.host())
                    .setPort(config.port())
                    .setHttp2ClearTextEnabled(true);
            server = vertx.createHttpServer(options).requestHandler(router);
        } catch (RuntimeException e) {
            closeVertx(runtime).whenComplete((ignored, closeError) -> started.completeExceptionally(e));
            return Future.fromCompletionStage(started);
        }
        vertx.fileSystem().mkdirs(config.videosDir().toString())
                .compose(ignored -> server.listen())
                .onComplete(result -> {
                    if (result.succeeded()) {
                        started.complete(new OriginServer(config, runtime, result.result()));
                    } else {
                        closeVertx(runtime).whenComplete((ignored, e) -> started.completeExceptionally(result.cause()));
                    }
                });
        return Future.fromCompletionStage(started);
    }

    static Router routes(Vertx vertx, OriginConfig config, RoleRuntime runtime, long startedNanos) {
        Router router = Router.router(vertx);
        CorsPolicy cors = new CorsPolicy(config.corsOrigins());

        router.route().handler(new AccessLog());
        router.route().handler(ctx -> {
            ctx.response().putHeader(HttpHeaders.DATE, HttpDate.now()); // caches compute ages from it
            ctx.next();
        });

        router.get("/metrics").setName("/metrics").handler(new MetricsHandler(runtime.registry()));
        router.get("/health").setName("/health").handler(new HealthHandler(config.dataDir(), startedNanos));

        // The upload and catalog API (io.streamcdn.origin.api, io.streamcdn.origin.jobs) mounts here, before
        // any body handler (uploads are streamed). See the api package's package-info for its assembly:
        //   new VideoApi(vertx, catalog, queue, uploads, pipeline, VideoLinks.under(config.publicUrl())).mount(router);

        VideoFiles files = new VideoFiles(config.videosDir());
        ServeMetrics serveMetrics = new ServeMetrics(runtime.registry());
        // One route per method group, each named after its template: Vert.x joins the names of every named
        // route a request passes through into the route label, so a separate CORS route would double it.
        Handler<RoutingContext> corsHeaders = cors.responses(VIDEO_EXPOSED_HEADERS);
        router.route("/videos/*").setName(VIDEO_ROUTE).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(corsHeaders)
                .handler(new VideoFileHandler(files, serveMetrics));
        router.options("/videos/*").setName(VIDEO_ROUTE)
                .handler(cors.preflight(VIDEO_METHODS, VIDEO_REQUEST_HEADERS));
        router.route("/videos/*").setName(VIDEO_ROUTE)
                .handler(corsHeaders)
                .handler(ctx -> ctx.fail(HttpProblem.methodNotAllowed(ctx.request().method().name(), VIDEO_METHODS)));

        new OriginErrors().mount(router);
        return router;
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
        server.shutdown(SHUTDOWN_GRACE).onComplete(ignored -> closeVertx(runtime).whenComplete((done, error) -> {
            LOG.info("origin stopped");
            if (error == null) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(error);
            }
        }));
        return Future.fromCompletionStage(closed);
    }

    /**
     * Closes Vert.x from a thread of its own. Called from an event loop (any Vert.x callback), the future of
     * {@code vertx.close()} would belong to that loop, which the close stops, and would never complete.
     */
    private static CompletableFuture<Void> closeVertx(RoleRuntime runtime) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> runtime.shutdown().onComplete(result -> {
            if (result.succeeded()) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(result.cause());
            }
        }));
        return closed;
    }
}
