package io.streamcdn.router.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.concurrent.TimeUnit;

/** A stand-in edge for routing tests: answers {@code /health} with 200, or, when told to fail, with 503. */
public final class StubEdge implements AutoCloseable {

    private final HttpServer server;
    private volatile boolean healthy = true;

    public StubEdge(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.response()
                        .setStatusCode(healthy ? 200 : 503).end(healthy ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
