package io.streamcdn.common;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.streamcdn.common.http.WholeBody;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the Prometheus text exposition of the role's registry. Scraping walks every
 * meter, so it runs on a worker thread rather than the event loop.
 */
public final class MetricsHandler implements Handler<RoutingContext> {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsHandler(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.vertx().executeBlocking(registry::scrape, false)
                .onSuccess(text -> WholeBody.end(ctx.response()
                        .putHeader("Content-Type", CONTENT_TYPE)
                        .putHeader("Cache-Control", "no-store"), Buffer.buffer(text, "UTF-8")))
                .onFailure(ctx::fail);
    }
}
