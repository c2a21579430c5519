package io.streamcdn.edge.proxy;

import io.streamcdn.common.security.UrlSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Where misses go: the parent edge if there is one, then the origin. One pooled HTTP/1.1 client with
 * keep-alive serves both. A request moves on to the next upstream only when it could not connect: once an
 * upstream has answered, its answer (even a 5xx) is the answer, so a failing origin is not asked twice.
 *
 * <p>With signing keys, every request goes out signed ({@code /s/.../videos/{id}/...}, valid a few minutes) with
 * the edge's own signing key: an origin or parent edge that requires signed URLs serves its edges like any
 * viewer, with no other credential, and one without keys serves the signed path as the plain one.
 */
public final class Upstream implements AutoCloseable {

    private final List<URI> bases;
    private final HttpClient client;
    private final Duration timeout;
    private final Optional<UrlSigner> signer;

    /** Why no response came back, for the status and reason the viewer gets. */
    public enum Failure {
        UNREACHABLE, TIMEOUT
    }

    /** @param signer signs each request's path when the edge has signing keys */
    public Upstream(Vertx vertx, List<URI> bases, Duration timeout, Optional<UrlSigner> signer) {
        this.bases = List.copyOf(bases);
        this.timeout = timeout;
        this.signer = signer;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setTcpNoDelay(true)
                        .setConnectTimeout((int) timeout.toMillis())
                        .setDecompressionSupported(false),
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(10_000));
    }

    /** The first upstream asked, for messages and health checks. */
    public URI primary() {
        return bases.get(0);
    }

    /**
     * Sends {@code GET base+path} with {@code headers} to the first upstream that accepts a connection.
     * The response arrives paused-able on the calling context; its body has not been read.
     */
    public Future<HttpClientResponse> get(String path, Map<String, String> headers) {
        return attempt(0, path, headers);
    }

    private Future<HttpClientResponse> attempt(int index, String path, Map<String, String> headers) {
        URI base = bases.get(index);
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(base + signer.map(s -> s.sign(path)).orElse(path))
                .setConnectTimeout(timeout.toMillis())
                .setIdleTimeout(timeout.toMillis());
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(request -> request.send())
                .recover(error -> index + 1 < bases.size() && couldNotConnect(error)
                        ? attempt(index + 1, path, headers) : Future.failedFuture(error));
    }

    private static boolean couldNotConnect(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** Sorts a request failure into the two things a viewer is told: unreachable (502) or too slow (504). */
    public static Failure failureOf(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")
                    || String.valueOf(e.getMessage()).contains("timed out")) {
                return Failure.TIMEOUT;
            }
            if (e instanceof ConnectException) {
                return Failure.UNREACHABLE;
            }
        }
        return Failure.UNREACHABLE;
    }

    @Override
    public void close() {
        client.close();
    }
}
