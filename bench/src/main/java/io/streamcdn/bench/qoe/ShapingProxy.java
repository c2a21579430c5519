package io.streamcdn.bench.qoe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 reverse proxy on 127.0.0.1 that makes a loopback connection behave like a viewer's access
 * link: every request waits the one-way delay before it goes upstream, every response waits it again
 * before its first byte, and response bodies cross one {@link ShapedLink} whose bandwidth follows a trace
 * (shared by all responses in flight). With 40 ms each way a request costs the 80 ms round trip the
 * Pensieve experiments used, plus its bytes at the trace's rate.
 * <p>
 * The proxy runs on its own Vert.x instance with a single event loop, so the link, its flows and the tick
 * that paces them are touched by one thread only. Upstream bodies are read no faster than the link sends
 * them (the flow pauses the upstream response past its high-water mark), and nothing is written to a
 * viewer whose connection is not draining.
 */
public final class ShapingProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShapingProxy.class);

    /** How often the link hands out bytes: 5 ms keeps bursts below 3 KB at 4.3 Mbit/s. */
    static final long TICK_MILLIS = 5;

    /** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not passed on. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private final Vertx vertx;
    private final HttpServer server;
    private final ShapedLink link;

    private ShapingProxy(Vertx vertx, HttpServer server, ShapedLink link) {
        this.vertx = vertx;
        this.server = server;
        this.link = link;
    }

    /**
     * Starts a proxy on 127.0.0.1 (a free port) in front of {@code http://127.0.0.1:upstreamPort}, its link
     * following {@code trace} from now.
     */
    public static ShapingProxy start(int upstreamPort, BandwidthTrace trace, Duration oneWayDelay) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        try {
            ShapedLink link = new ShapedLink(trace, System.nanoTime());
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                            .setKeepAlive(true)
                            .setTcpNoDelay(true)
                            .setDecompressionSupported(false),
                    new PoolOptions().setHttp1MaxSize(32));
            Forwarder forwarder = new Forwarder(vertx, client, link, upstreamPort, oneWayDelay.toMillis());
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                    .requestHandler(forwarder::handle)
                    .listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.setPeriodic(TICK_MILLIS, id -> link.tick(System.nanoTime()));
            return new ShapingProxy(vertx, server, link);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** The link follows {@code trace} from its start, from now on (between sessions). */
    public void follow(BandwidthTrace trace) throws Exception {
        onLoop(() -> {
            link.follow(trace, System.nanoTime());
            return null;
        });
    }

    /** Response body bytes delivered to viewers so far. */
    public long bytesSent() throws Exception {
        return onLoop(link::bytesSent);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> action) throws Exception {
        Promise<T> done = Promise.promise();
        vertx.runOnContext(v -> {
            try {
                done.complete(action.call());
            } catch (Exception e) {
                done.fail(e);
            }
        });
        return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Carries one request upstream and its response back across the link. */
    private record Forwarder(Vertx vertx, HttpClient client, ShapedLink link, int upstreamPort, long delayMillis) {

        void handle(HttpServerRequest request) {
            request.pause();
            HttpServerResponse response = request.response();
            after(delayMillis)
                    .compose(v -> client.request(new RequestOptions()
                            .setMethod(request.method())
                            .setHost("127.0.0.1")
                            .setPort(upstreamPort)
                            .setURI(request.uri())))
                    .onSuccess(upstream -> {
                        copyHeaders(request.headers(), upstream.headers());
                        response.closeHandler(v -> upstream.reset());
                        String length = request.getHeader("Content-Length");
                        Future<HttpClientResponse> sent;
                        if (length != null && !length.equals("0")) {
                            upstream.putHeader("Content-Length", length);
                            sent = upstream.send(request);
                        } else if (request.getHeader("Transfer-Encoding") != null) {
                            sent = upstream.setChunked(true).send(request);
                        } else {
                            request.resume();
                            sent = upstream.send();
                        }
                        sent.onSuccess(answer -> answer(answer, request, response))
                                .onFailure(error -> fail(request, response, error));
                    })
                    .onFailure(error -> fail(request, response, error));
        }

        private void answer(HttpClientResponse answer, HttpServerRequest request, HttpServerResponse response) {
            answer.pause();
            after(delayMillis).onComplete(v -> {
                if (response.closed()) {
                    answer.request().reset();
                    return;
                }
                response.setStatusCode(answer.statusCode()).setStatusMessage(answer.statusMessage());
                copyHeaders(answer.headers(), response.headers());
                boolean bodiless = request.method() == HttpMethod.HEAD || answer.statusCode() == 204
                        || answer.statusCode() == 304;
                if (answer.getHeader("Content-Length") == null) {
                    response.setChunked(!bodiless);
                } else {
                    response.putHeader("Content-Length", answer.getHeader("Content-Length"));
                }
                ShapedLink.Flow flow = link.open(new ShapedLink.Sink() {
                    @Override
                    public boolean writable() {
                        return !response.writeQueueFull();
                    }

                    @Override
                    public void write(Buffer chunk) {
                        if (!response.closed()) {
                            response.write(chunk);
                        }
                    }

                    @Override
                    public void end() {
                        if (!response.closed()) {
                            response.end();
                        }
                    }
                }, answer::pause, answer::resume);
                response.closeHandler(closed -> {
                    flow.cancel();
                    answer.request().reset();
                });
                answer.handler(flow::offer);
                answer.exceptionHandler(error -> {
                    LOG.warn("upstream body of {} {} failed: {}", request.method(), request.uri(), error.toString());
                    flow.cancel();
                    response.reset();
                });
                answer.endHandler(end -> flow.end());
                answer.resume();
            });
        }

        private void fail(HttpServerRequest request, HttpServerResponse response, Throwable error) {
            if (response.closed()) {
                return; // the viewer went away (a page closing mid-beacon) and the upstream request was reset for it
            }
            LOG.warn("{} {}: upstream 127.0.0.1:{} failed: {}", request.method(), request.uri(), upstreamPort, error.toString());
            if (response.headWritten()) {
                response.reset();
                return;
            }
            response.setStatusCode(502).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "upstream unavailable")
                            .put("reason", "the shaping proxy could not reach 127.0.0.1:" + upstreamPort + ": " + error.getMessage())
                            .encode());
        }

        private Future<Void> after(long millis) {
            if (millis <= 0) {
                return Future.succeededFuture();
            }
            Promise<Void> elapsed = Promise.promise();
            vertx.setTimer(millis, id -> elapsed.complete());
            return elapsed.future();
        }

        private static void copyHeaders(io.vertx.core.MultiMap from, io.vertx.core.MultiMap to) {
            for (Map.Entry<String, String> header : from) {
                String name = header.getKey().toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(name) && !name.equals("content-length")) {
                    to.add(header.getKey(), header.getValue());
                }
            }
        }
    }
}
