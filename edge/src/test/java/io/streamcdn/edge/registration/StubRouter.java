package io.streamcdn.edge.registration;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the router, on 127.0.0.1: records every request it gets, and answers as told: a status and a
 * body, or nothing at all (it reads the request and never responds).
 */
final class StubRouter implements AutoCloseable {

    /** One request as the router saw it. */
    record Request(HttpMethod method, String path, String contentType, String body, Instant receivedAt) {

        JsonObject json() {
            return new JsonObject(body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 204;
    private volatile String body = "";
    private volatile boolean silent;

    private StubRouter(Vertx vertx) {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(received -> {
            requests.add(new Request(request.method(), request.path(), request.getHeader("Content-Type"),
                    received.toString(), Instant.now()));
            if (!silent) {
                request.response().setStatusCode(status).end(body);
            }
        }));
    }

    /** Listens on {@code port}; 0 for any free one. */
    static StubRouter start(Vertx vertx, int port) throws Exception {
        StubRouter router = new StubRouter(vertx);
        router.server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return router;
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    StubRouter answer(int status, String body) {
        this.body = body;
        this.status = status;
        this.silent = false;
        return this;
    }

    StubRouter neverAnswer() {
        this.silent = true;
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> heartbeats() {
        return requests.stream().filter(r -> r.method() == HttpMethod.POST).toList();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
