package io.streamcdn.edge.registration;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamcdn.common.DurationText;
import io.streamcdn.common.Version;
import io.streamcdn.edge.EdgeConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps this edge registered with the router: a {@link Heartbeat} at once, then one every {@link #INTERVAL};
 * a {@code DELETE} on {@link #stop()}. Built only when {@code --router} is given.
 *
 * <p>The router is optional infrastructure: it may be absent, down, slow or refusing, and none of that may stop
 * or slow the edge. So every request has a hard deadline ({@link #TIMEOUT}, from connecting to the last byte of
 * the answer); a tick is skipped, not queued, while the previous beat is still pending (a slow router never gets
 * a backlog of stale beats); and neither {@link #start()} nor {@link #stop()} ever fails. The router learns that
 * an edge is gone from its {@code DELETE} or, when the edge dies without one, from missed beats.
 *
 * <p>All mutable state is confined to one Vert.x context (the caller's, or a new event-loop context): the timer,
 * the answers and the deregistration all run there, so nothing is locked and nothing blocks. Only the meters
 * are read from other threads.
 *
 * <p>The log says what changed, not what happened every few seconds: INFO on the first acceptance and when the
 * router accepts again after failures, one WARN when it becomes unreachable or starts refusing.
 */
public final class RouterHeartbeat {

    /** How often an edge beats. The router may declare an edge gone after about three missed beats. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    /** The longest a beat or the deregistration may take, connecting included. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Bytes of a refusal's body kept for the log line; the rest is read and dropped. */
    private static final int BODY_MAX_BYTES = 2048;

    private static final Logger LOG = LoggerFactory.getLogger(RouterHeartbeat.class);

    private final Vertx vertx;
    private final Context context;
    private final EdgeConfig config;
    private final Supplier<EdgeLoad> load;
    private final Duration interval;
    private final URI router;
    private final RouterApi api;
    private final HeartbeatMetrics metrics;
    private final HttpClient client;
    private final String version = Version.current();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Void> stopped = Promise.promise();

    // Touched only on `context`.
    private long timer = -1;
    private Future<RouterAnswer> pending;
    private HeartbeatOutcome lastOutcome;
    private int lastStatus;
    private int failuresInARow;
    private boolean beatFailing;

    /**
     * @param load  the edge's load now; called on an event loop once per beat, so it must be cheap and not block
     */
    public RouterHeartbeat(Vertx vertx, EdgeConfig config, Supplier<EdgeLoad> load, MeterRegistry registry) {
        this(vertx, config, load, registry, INTERVAL);
    }

    /** With another interval: for tests, which cannot wait five seconds a beat. */
    RouterHeartbeat(Vertx vertx, EdgeConfig config, Supplier<EdgeLoad> load, MeterRegistry registry,
                    Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a heartbeat interval is positive, not " + interval);
        }
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.load = load;
        this.interval = interval;
        this.router = config.router().orElseThrow(() -> new IllegalArgumentException(
                "no --router is configured; build a RouterHeartbeat only for an edge that has one"));
        this.api = new RouterApi(router, config.name());
        this.metrics = new HeartbeatMetrics(registry);
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
    }

    /** Sends the first beat at once, then one every interval. Returns at once; never fails for the router's sake. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this heartbeat is already started");
        }
        context.runOnContext(v -> {
            if (stopping.get()) {
                return;
            }
            beat();
            timer = vertx.setPeriodic(interval.toMillis(), id -> beat());
        });
    }

    /**
     * Stops beating and deregisters: waits for a beat still in flight (so it cannot reach the router after the
     * {@code DELETE} and register the edge again), then sends the {@code DELETE}. Completes, always successfully,
     * within about twice {@link #TIMEOUT}, whether or not the router answered; the log says which.
     */
    public Future<Void> stop() {
        if (stopping.compareAndSet(false, true)) {
            context.runOnContext(v -> deregister());
        }
        return stopped.future();
    }

    private void beat() {
        if (stopping.get()) {
            return;
        }
        if (pending != null) {
            LOG.debug("Skipped a heartbeat: the previous one to {} is still pending", router);
            return;
        }
        Heartbeat heartbeat;
        try {
            heartbeat = Heartbeat.of(config, load.get(), version, interval, Instant.now());
        } catch (RuntimeException e) {
            // A bug in the edge's own figures must not end the heartbeats: the next tick tries again.
            if (!beatFailing) {
                LOG.warn("Could not make this edge's heartbeat; trying again every {}",
                        DurationText.format(interval), e);
            }
            beatFailing = true;
            return;
        }
        beatFailing = false;
        Future<RouterAnswer> beat = exchange(HttpMethod.POST, api.heartbeatUrl(), heartbeat.toJson().toBuffer());
        pending = beat;
        beat.onComplete(this::answered);
    }

    private void answered(AsyncResult<RouterAnswer> result) {
        pending = null;
        if (result.failed()) {
            failed(HeartbeatOutcome.UNREACHABLE, 0, "Router {} is unreachable: {}", problem(result.cause()));
        } else if (result.result().accepted()) {
            metrics.beat(HeartbeatOutcome.OK);
            if (lastOutcome == null) {
                LOG.info("Registered with router {} as {}; a heartbeat every {}", router, config.name(),
                        DurationText.format(interval));
            } else if (lastOutcome != HeartbeatOutcome.OK) {
                LOG.info("Router {} accepts this edge's heartbeats again, after {} that failed", router,
                        failuresInARow);
            }
            lastOutcome = HeartbeatOutcome.OK;
            failuresInARow = 0;
        } else {
            RouterAnswer answer = result.result();
            failed(HeartbeatOutcome.REFUSED, answer.status(), "Router {} refused the heartbeat: {}", answer.describe());
        }
    }

    private void failed(HeartbeatOutcome outcome, int status, String message, String detail) {
        metrics.beat(outcome);
        failuresInARow++;
        // One line when the trouble starts or changes kind, not one per beat.
        if (outcome != lastOutcome || status != lastStatus) {
            LOG.warn(message + "; retrying every {}, and the edge keeps serving", router, detail,
                    DurationText.format(interval));
        }
        lastOutcome = outcome;
        lastStatus = status;
    }

    private void deregister() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
        Future<RouterAnswer> inFlight = pending == null ? Future.succeededFuture() : pending;
        Future<Void> done = !started.get() ? Future.succeededFuture() : inFlight
                .transform(ignored -> exchange(HttpMethod.DELETE, api.edgeUrl(), null))
                .transform(result -> {
                    deregistered(result);
                    return Future.<Void>succeededFuture();
                });
        done.onComplete(v -> client.close().onComplete(closed -> stopped.tryComplete()));
    }

    private void deregistered(AsyncResult<RouterAnswer> result) {
        metrics.deregistered();
        if (result.failed()) {
            LOG.warn("Could not deregister from router {}: {}; it will drop this edge after missed heartbeats",
                    router, problem(result.cause()));
        } else if (result.result().accepted()) {
            LOG.info("Deregistered from router {}", router);
        } else if (result.result().status() == 404) {
            LOG.info("Router {} did not know this edge; nothing to deregister", router);
        } else {
            LOG.warn("Router {} refused the deregistration: {}; it will drop this edge after missed heartbeats",
                    router, result.result().describe());
        }
    }

    /** One request with a hard deadline: fails with a {@link TimeoutException} if the answer is not whole by then. */
    private Future<RouterAnswer> exchange(HttpMethod method, String url, Buffer body) {
        Promise<RouterAnswer> answer = Promise.promise();
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(url)
                .setConnectTimeout(TIMEOUT.toMillis())
                .setIdleTimeout(TIMEOUT.toMillis())
                .putHeader(HttpHeaders.USER_AGENT, "streamcdn-edge/" + version);
        config.adminToken().ifPresent(token -> options.putHeader(HttpHeaders.AUTHORIZATION, token.authorization()));
        Future<HttpClientRequest> request = client.request(options);
        long deadline = vertx.setTimer(TIMEOUT.toMillis(), id -> {
            if (answer.tryFail(new TimeoutException("no answer within " + DurationText.format(TIMEOUT)))) {
                request.onSuccess(HttpClientRequest::reset); // frees the connection the router sits on
            }
        });
        request.compose(req -> body == null ? req.send()
                        : req.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").send(body))
                .compose(response -> head(response).map(text -> new RouterAnswer(response.statusCode(), text)))
                .onComplete(result -> {
                    vertx.cancelTimer(deadline);
                    if (result.succeeded()) {
                        answer.tryComplete(result.result());
                    } else {
                        answer.tryFail(result.cause());
                    }
                });
        return answer.future();
    }

    /** The first {@link #BODY_MAX_BYTES} of a body, read to its end so the connection can be reused. */
    private static Future<String> head(HttpClientResponse response) {
        Promise<String> text = Promise.promise();
        Buffer head = Buffer.buffer();
        response.handler(chunk -> {
            int room = BODY_MAX_BYTES - head.length();
            if (room > 0) {
                head.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
            }
        });
        response.exceptionHandler(text::tryFail);
        response.endHandler(v -> text.tryComplete(head.toString(StandardCharsets.UTF_8)));
        return text.future();
    }

    private static String problem(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
