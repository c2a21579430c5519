package io.streamcdn.common;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;

/**
 * What every role runs on: one Vert.x instance whose HTTP server and client metrics land in one
 * Prometheus registry, together with JVM and process metrics. Each role builds exactly one of these
 * in its entry class and passes the registry to its own {@code MeterBinder}s.
 *
 * <p>HTTP labels are kept to method, status code and matched route (pools add their type and name, a
 * handful of fixed values): never the raw path, which would let a
 * viewer mint a new time series per URL.
 */
public final class RoleRuntime implements AutoCloseable {

    private final PrometheusMeterRegistry registry;
    private final Vertx vertx;
    private final JvmGcMetrics gcMetrics;

    public RoleRuntime(String role) {
        this(role, true);
    }

    /**
     * A role whose HTTP server counts its own requests passes {@code vertxHttpServerMetrics = false}: Vert.x's
     * per-request metrics look up five meters by tags for every request (a tenth of the router's CPU per
     * redirect), which a role answering tens of thousands of tiny requests a second cannot afford. HTTP client,
     * pool and JVM metrics stay.
     */
    public RoleRuntime(String role, boolean vertxHttpServerMetrics) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("role", role);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                // Vert.x keeps its metrics backends in a JVM-wide map by registry name; with the shared default
                // name every role after the first in one JVM (the demo, tests) would report its HTTP metrics into
                // the first role's registry.
                .setRegistryName("streamcdn-" + role + "-" + java.util.UUID.randomUUID())
                .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME));
        if (!vertxHttpServerMetrics) {
            metrics.setDisabledMetricsCategories(java.util.Set.of(MetricsDomain.HTTP_SERVER.toCategory()));
        }
        this.vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    public Vertx vertx() {
        return vertx;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Closes Vert.x (servers, clients, timers) and releases the metric binders. Safe to call from anywhere,
     * a Vert.x callback included: the close runs on a thread of its own and the returned stage belongs to no
     * event loop. (The future of {@code vertx.close()} called on an event loop belongs to that loop, which the
     * close stops, so it would never complete.)
     */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> vertx.close().onComplete(result -> {
            gcMetrics.close();
            registry.close();
            if (result.succeeded()) {
                closed.complete(null);
            } else {
                closed.completeExceptionally(result.cause());
            }
        }));
        return closed;
    }

    /** Blocks until {@link #shutdown()} completes; for plain threads (main, tests), never an event loop. */
    @Override
    public void close() {
        shutdown().join();
    }
}
