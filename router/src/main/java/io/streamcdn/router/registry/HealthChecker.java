package io.streamcdn.router.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Traffic Monitor's part: {@code GET /health} of every known edge each interval, with a timeout. A 200
 * counts as a success (its {@code load}, when the body reports one, refreshes the edge's load); anything
 * else, a timeout or a refused connection, as a failure. Never more than one check per edge in flight (the
 * connect and idle timeouts end every check, so each one completes).
 * Also expires self-registered edges whose heartbeats stopped.
 */
public final class HealthChecker implements AutoCloseable {

    private final Vertx vertx;
    private final EdgeRegistry registry;
    private final Duration interval;
    private final Duration timeout;
    private final HttpClient client;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public HealthChecker(Vertx vertx, EdgeRegistry registry, Duration interval, Duration timeout) {
        this.vertx = vertx;
        this.registry = registry;
        this.interval = interval;
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis())
                .setKeepAlive(true));
    }

    public void start() {
        checkAll();
        timer = vertx.setPeriodic(interval.toMillis(), ignored -> checkAll());
    }

    /** Checks every edge once now (also used when an edge registers, so it need not wait a whole interval). */
    public void checkAll() {
        registry.expireHeartbeats();
        for (EdgeStatus status : registry.all()) {
            check(status.edge().name(), status.edge().url().toString());
        }
    }

    private void check(String name, String url) {
        if (!inFlight.add(name)) {
            return;
        }
        // Started inside compose, so a request that cannot even be built fails this check, not the whole round.
        Future.<Void>succeededFuture()
                .compose(ignored -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setAbsoluteURI(url + "/health")
                        .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> {
                    if (response.statusCode() != 200) {
                        return new Outcome(false, "/health answered " + response.statusCode(), Optional.empty());
                    }
                    return new Outcome(true, null, load(body.toString()));
                }))
                .otherwise(error -> new Outcome(false, "/health failed: " + error.getMessage(), Optional.empty()))
                .onComplete(result -> {
                    inFlight.remove(name);
                    Outcome outcome = result.result();
                    registry.checked(name, outcome.ok(), outcome.problem(), outcome.load());
                });
    }

    private record Outcome(boolean ok, String problem, Optional<Double> load) {
    }

    /** The edge's /health does not report a load ratio itself; heartbeats do. Kept for edges that add one. */
    private static Optional<Double> load(String body) {
        try {
            Object value = new JsonObject(body).getValue("load");
            return value instanceof Number n ? Optional.of(n.doubleValue()) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
