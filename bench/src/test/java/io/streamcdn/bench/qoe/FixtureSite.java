package io.streamcdn.bench.qoe;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Serves the driver tests' stand-in watch page ({@code /watch.html}, from test resources), a page without
 * the hooks ({@code /blank.html}) and the segments the stand-in downloads: {@code /seg/RUNG/N} is one
 * second of the Pensieve ladder's RUNG in bytes, with CORS so a page from this server may read it
 * through the proxy's address.
 */
final class FixtureSite implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;
    private final Buffer watchPage;

    private FixtureSite() throws Exception {
        try (InputStream in = FixtureSite.class.getResourceAsStream("/qoe-fixture/watch.html")) {
            if (in == null) {
                throw new IOException("qoe-fixture/watch.html is not on the test classpath");
            }
            watchPage = Buffer.buffer(in.readAllBytes());
        }
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static FixtureSite start() throws Exception {
        return new FixtureSite();
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
    }

    int port() {
        return server.actualPort();
    }

    /** Bytes of one second of rung {@code rung}. */
    static int segmentBytes(int rung) {
        return PensieveLadder.STANDARD.kbps().get(rung) * 1000 / 8;
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        var response = request.response().putHeader("Access-Control-Allow-Origin", "*");
        if (path.equals("/watch.html")) {
            response.putHeader("Content-Type", "text/html; charset=utf-8").end(watchPage);
        } else if (path.equals("/blank.html")) {
            response.putHeader("Content-Type", "text/html; charset=utf-8").end("<!doctype html><video id=\"video\"></video>");
        } else if (path.startsWith("/seg/")) {
            int rung = Integer.parseInt(path.split("/")[2]);
            response.putHeader("Content-Type", "video/mp4").end(Buffer.buffer(new byte[segmentBytes(rung)]));
        } else {
            response.setStatusCode(404).end();
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
