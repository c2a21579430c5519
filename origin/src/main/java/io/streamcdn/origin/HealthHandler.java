package io.streamcdn.origin;

import io.streamcdn.common.Version;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code GET /health}: {@code {"status": "ok", "role", "version", "uptimeSeconds", "dataDirFreeBytes"}}.
 * The free space is read on a worker thread ({@code fileSystem().fsProps}); when the data directory
 * cannot be read the origin cannot serve or store anything, so the answer is 503 with the reason.
 */
final class HealthHandler implements Handler<RoutingContext> {

    private final Path dataDir;
    private final long startedNanos;
    private final String version = Version.current();

    HealthHandler(Path dataDir, long startedNanos) {
        this.dataDir = dataDir;
        this.startedNanos = startedNanos;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonObject body = new JsonObject()
                .put("role", "origin")
                .put("version", version)
                .put("uptimeSeconds", Double.parseDouble(String.format(Locale.ROOT, "%.3f",
                        (System.nanoTime() - startedNanos) / 1e9)));
        ctx.vertx().fileSystem().fsProps(dataDir.toString()).onComplete(result -> {
            if (result.succeeded()) {
                body.put("status", "ok").put("dataDirFreeBytes", result.result().usableSpace());
                ctx.response().setStatusCode(200);
            } else {
                body.put("status", "unavailable")
                        .put("reason", "the data directory cannot be read: " + result.cause().getMessage());
                ctx.response().setStatusCode(503);
            }
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(body.encode());
        });
    }
}
