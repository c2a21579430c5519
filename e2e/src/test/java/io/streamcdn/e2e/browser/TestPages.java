package io.streamcdn.e2e.browser;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tests' own pages (classpath folder {@code test-pages/}) on 127.0.0.1 and a free port, and
 * {@code GET /bytes/N}: N random, uncacheable bytes, something of a known size to time a download with.
 */
public final class TestPages implements AutoCloseable {

    private static final int MAX_BYTES = 16 << 20;

    private final Vertx vertx;
    private final HttpServer server;

    private TestPages(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static TestPages start() throws Exception {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/bytes/:n").handler(ctx -> {
            int n = Integer.parseInt(ctx.pathParam("n"));
            if (n < 0 || n > MAX_BYTES) {
                ctx.response().setStatusCode(400).end("0.." + MAX_BYTES + " bytes");
                return;
            }
            byte[] body = new byte[n];
            ThreadLocalRandom.current().nextBytes(body); // incompressible
            ctx.response().putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Cache-Control", "no-store").end(Buffer.buffer(body));
        });
        router.route().handler(StaticHandler.create("test-pages").setCachingEnabled(false));
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new TestPages(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the test pages' server", e);
        }
    }
}
