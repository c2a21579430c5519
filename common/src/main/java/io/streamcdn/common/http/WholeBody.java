package io.streamcdn.common.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

/**
 * Ends responses so that a graceful shutdown cannot cut their body.
 * <p>
 * During {@code HttpServer.shutdown(grace)}, Vert.x (5.2.3) closes an HTTP/1.1 connection as soon as its response
 * has ended, without waiting for the bytes Netty has not yet written to the socket: they are dropped, and a viewer
 * on a slow line gets a short body. {@code end(body)} counts as ended at once; so does a streamed body's last
 * {@code end()}. A response ended only once its last bytes were written keeps its connection open until then.
 * (Files sent with {@code sendFile} are safe: Vert.x ends them when the file has been written.)
 */
public final class WholeBody {

    /**
     * Up to this size a body is ended in one write: it fits in a connection's socket buffer, which is empty when
     * an HTTP/1.1 response starts (the viewer read the previous one before asking again).
     */
    static final int ONE_WRITE_BYTES = 16 * 1024;

    private WholeBody() {
    }

    /** {@code response.end(body)}, ended only once the body has been written to the socket when it is large. */
    public static Future<Void> end(HttpServerResponse response, Buffer body) {
        if (body.length() <= ONE_WRITE_BYTES) {
            return response.end(body);
        }
        if (!response.isChunked() && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        }
        return endAfter(response, response.write(body));
    }

    /** Ends a streamed body once its last write ({@code null}: none) has been written to the socket. */
    public static Future<Void> endAfter(HttpServerResponse response, Future<Void> lastWrite) {
        if (lastWrite == null) {
            return response.end();
        }
        // A failed write means the connection is gone; end() then fails too, which is all there is to say.
        return lastWrite.transform(written -> response.end());
    }
}
