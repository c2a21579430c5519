package io.streamcdn.bench.qoe;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the proxy tests, on 127.0.0.1: {@code GET /bytes/N} answers N seeded random bytes,
 * written only as fast as its connection drains (so it shows how fast the proxy reads);
 * {@code GET /chunked/N} the same without a Content-Length; {@code POST /echo} returns the body it got.
 */
final class ByteUpstream implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Vertx vertx;
    private final HttpServer server;
    final AtomicLong bytesWritten = new AtomicLong();
    final AtomicInteger closedEarly = new AtomicInteger();

    private ByteUpstream() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static ByteUpstream start() throws Exception {
        return new ByteUpstream();
    }

    int port() {
        return server.actualPort();
    }

    static byte[] body(int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(size).nextBytes(bytes);
        return bytes;
    }

    /** Bodies already made, so a repeated request is answered at once. */
    private final java.util.Map<Integer, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();

    private void handle(HttpServerRequest request) {
        String path = request.path();
        HttpServerResponse response = request.response();
        if (path.equals("/echo")) {
            request.body().onSuccess(body -> response.putHeader("Content-Type", "application/octet-stream").end(body));
        } else if (path.startsWith("/bytes/") || path.startsWith("/chunked/")) {
            byte[] body = bodies.computeIfAbsent(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)), ByteUpstream::body);
            if (path.startsWith("/chunked/")) {
                response.setChunked(true);
            } else {
                response.putHeader("Content-Length", Integer.toString(body.length));
            }
            response.putHeader("Content-Type", "video/mp4").putHeader("X-Upstream", "bytes");
            response.closeHandler(v -> {
                if (!response.ended()) {
                    closedEarly.incrementAndGet();
                }
            });
            pump(response, body, 0);
        } else {
            response.setStatusCode(404).end();
        }
    }

    /** Writes while the connection takes it, resumes on drain: the upstream honours back-pressure itself. */
    private void pump(HttpServerResponse response, byte[] body, int from) {
        int at = from;
        while (at < body.length && !response.writeQueueFull()) {
            if (response.closed()) {
                return;
            }
            int n = Math.min(CHUNK, body.length - at);
            response.write(Buffer.buffer(java.util.Arrays.copyOfRange(body, at, at + n)));
            bytesWritten.addAndGet(n);
            at += n;
        }
        if (at == body.length) {
            response.end();
        } else {
            int next = at;
            response.drainHandler(v -> pump(response, body, next));
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
