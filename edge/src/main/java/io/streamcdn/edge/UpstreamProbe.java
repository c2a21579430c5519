package io.streamcdn.edge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;

/**
 * Asks the first upstream's {@code /health} every few seconds, so {@code /health} on the edge can say
 * whether misses would currently succeed. Any answer below 500 counts as reachable. Transitions are
 * logged once, not every probe.
 */
final class UpstreamProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamProbe.class);
    static final long PERIOD_MILLIS = 5_000;
    private static final long TIMEOUT_MILLIS = 2_000;

    private final Vertx vertx;
    private final URI upstream;
    private final HttpClient client;
    private long timer = -1;
    private volatile Status status;

    /** The latest probe's result. */
    record Status(boolean reachable, Instant checkedAt, long latencyMillis, String error) {

        JsonObject toJson(URI upstream) {
            JsonObject json = new JsonObject().put("url", upstream.toString()).put("reachable", reachable);
            if (checkedAt != null) {
                json.put("checkedAt", checkedAt.toString()).put("latencyMs", latencyMillis);
            }
            if (error != null) {
                json.put("error", error);
            }
            return json;
        }
    }

    UpstreamProbe(Vertx vertx, URI upstream) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MILLIS));
        this.status = new Status(false, null, 0, "not checked yet");
    }

    void start() {
        probe();
        timer = vertx.setPeriodic(PERIOD_MILLIS, ignored -> probe());
    }

    Status status() {
        return status;
    }

    URI upstream() {
        return upstream;
    }

    private void probe() {
        long started = System.nanoTime();
        client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(upstream + "/health")
                        .setIdleTimeout(TIMEOUT_MILLIS))
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> {
                    long latency = (System.nanoTime() - started) / 1_000_000;
                    Status next = result.succeeded() && result.result() < 500
                            ? new Status(true, Instant.now(), latency, null)
                            : new Status(false, Instant.now(), latency, result.succeeded()
                            ? "answered " + result.result() : String.valueOf(result.cause().getMessage()));
                    if (next.reachable() != status.reachable() || status.checkedAt() == null) {
                        if (next.reachable()) {
                            LOG.info("upstream {} is reachable ({} ms)", upstream, latency);
                        } else {
                            LOG.warn("upstream {} is unreachable: {}; cached objects are still served", upstream,
                                    next.error());
                        }
                    }
                    status = next;
                });
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        client.close();
    }
}
