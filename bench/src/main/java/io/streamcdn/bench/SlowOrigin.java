package io.streamcdn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately slow upstream for the coalescing benchmark: {@code GET /videos/...} waits
 * {@code headerDelay} before its headers, then trickles a cacheable body over {@code trickle} in
 * {@link #CHUNKS} pieces, so a cold object stays in flight long enough for every waiter to pile up behind
 * it. It counts requests per path: how many times a cache went upstream for one object.
 * <p>
 * The body of a path is random bytes seeded by the path, so a client can check what it received.
 */
final class SlowOrigin implements AutoCloseable {

    static final int CHUNKS = 20;

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, AtomicInteger> requests;

    private SlowOrigin(Vertx vertx, HttpServer server, Map<String, AtomicInteger> requests) {
        this.vertx = vertx;
        this.server = server;
        this.requests = requests;
    }

    static SlowOrigin start(int bodyBytes, Duration headerDelay, Duration trickle) throws Exception {
        Vertx vertx = Vertx.vertx();
        Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> answer(vertx, request, requests, bodyBytes, headerDelay, trickle))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new SlowOrigin(vertx, server, requests);
    }

    int port() {
        return server.actualPort();
    }

    /** Requests received for {@code path} so far. */
    int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    /** The body served for {@code path}. */
    static byte[] body(String path, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(path.hashCode()).nextBytes(bytes);
        return bytes;
    }

    private static void answer(Vertx vertx, HttpServerRequest request, Map<String, AtomicInteger> requests,
                               int bodyBytes, Duration headerDelay, Duration trickle) {
        String path = request.path();
        HttpServerResponse response = request.response();
        if (!path.startsWith("/videos/")) {
            response.setStatusCode(404).end(); // the edge's health probe, among others
            return;
        }
        requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Buffer body = Buffer.buffer(body(path, bodyBytes));
        vertx.setTimer(headerDelay.toMillis(), headers -> {
            response.putHeader("Content-Length", Integer.toString(bodyBytes))
                    .putHeader("Content-Type", "video/iso.segment")
                    .putHeader("Cache-Control", "public, max-age=3600")
                    .putHeader("ETag", "\"" + Integer.toHexString(path.hashCode()) + "\"")
                    .putHeader("Last-Modified", "Mon, 02 Nov 2026 10:00:00 GMT")
                    .writeHead();
            trickle(vertx, response, body, 0, Math.max(1, trickle.toMillis() / CHUNKS));
        });
    }

    private static void trickle(Vertx vertx, HttpServerResponse response, Buffer body, int chunk, long intervalMillis) {
        if (response.closed()) {
            return;
        }
        int chunkBytes = (body.length() + CHUNKS - 1) / CHUNKS;
        int from = chunk * chunkBytes;
        int to = Math.min(body.length(), from + chunkBytes);
        if (to >= body.length()) {
            response.end(body.getBuffer(from, to));
            return;
        }
        response.write(body.getBuffer(from, to));
        vertx.setTimer(intervalMillis, next -> trickle(vertx, response, body, chunk + 1, intervalMillis));
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
