package io.streamcdn.edge.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.util.concurrent.TimeUnit;

/**
 * A fault: an upstream whose answer tests switch between a cacheable 200 ({@code max-age=60}, an ETag) and
 * a 503 (a 304 when asked with its ETag), to prove what the edge does when its upstream fails with a server error.
 */
public final class FlakyUpstream implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private volatile int status = 200;

    public FlakyUpstream(String body) throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> {
            if (status == 200 && "\"v1\"".equals(request.getHeader("If-None-Match"))) {
                request.response().setStatusCode(304).putHeader("Cache-Control", "public, max-age=60")
                        .putHeader("ETag", "\"v1\"").end();
            } else if (status == 200) {
                request.response().putHeader("Cache-Control", "public, max-age=60").putHeader("ETag", "\"v1\"")
                        .putHeader("Content-Type", "application/dash+xml").end(body);
            } else {
                request.response().setStatusCode(status).end("{\"error\":\"overloaded\"}");
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public void answer(int status) {
        this.status = status;
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
