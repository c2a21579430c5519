package io.streamcdn.common.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Vert.x server stopped with {@code shutdown(grace)} while a viewer on a slow line (a small receive window,
 * read slowly) is sent an 8 MB body: ended through {@link WholeBody}, in one write or streamed, the body arrives
 * whole. Ended with Vert.x's own {@code end(body)} or a streamed body's plain last {@code end()}, it arrives cut
 * (about 3.6 MB of it, for {@code end(body)}): those cases are here too, so the test shows the loss it guards
 * against, and says when a Vert.x upgrade no longer needs {@link WholeBody}.
 */
class WholeBodyTest {

    /** Not a whole number of chunks: a streamed body ends with a short last write, as a fill often does. */
    private static final int BODY_BYTES = (8 << 20) + 10_000;
    private static final int RECEIVE_BUFFER = 16 * 1024;
    private static final int CHUNK = 256 * 1024;
    private static final int SEND_BUFFER = 64 * 1024;

    private final Vertx vertx = Vertx.vertx();
    /** Completed (on the request's context) when the test lets the server answer. */
    private final CompletableFuture<Void> answer = new CompletableFuture<>();
    private final CountDownLatch requested = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aBodyEndedInOneWriteDuringTheGracePeriodArrivesWhole() throws Exception {
        assertThat(bodyBytesAfterShutdownWhileAnswering((response, body) -> WholeBody.end(response, body)))
                .isEqualTo(BODY_BYTES);
    }

    @Test
    void aStreamedBodyEndedDuringTheGracePeriodArrivesWhole() throws Exception {
        assertThat(bodyBytesAfterShutdownWhileAnswering(WholeBodyTest::streamThroughWholeBody)).isEqualTo(BODY_BYTES);
    }

    @Test
    void aBodyEndedJustBeforeTheShutdownArrivesWhole() throws Exception {
        HttpServer server = serve((response, body) -> WholeBody.end(response, body));
        try (Socket viewer = request(server)) {
            answer.complete(null);
            Thread.sleep(200); // ended, most of it still in the server's buffers
            Future<Void> stopped = server.shutdown(Duration.ofSeconds(30));
            assertThat(readBody(viewer.getInputStream(), 2)).isEqualTo(BODY_BYTES);
            stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutItTheSameBodyIsCut() throws Exception {
        assertThat(bodyBytesAfterShutdownWhileAnswering((response, body) -> response.end(body)))
                .as("Vert.x's own end(body)").isLessThan(BODY_BYTES);
    }

    @Test
    void withoutItAStreamedBodyIsCutToo() throws Exception {
        assertThat(bodyBytesAfterShutdownWhileAnswering(WholeBodyTest::streamWithAPlainEnd))
                .as("a streamed body ended with Vert.x's own end()").isLessThan(BODY_BYTES);
    }

    @Test
    void aViewerWhoStopsReadingIsStillCutWhenTheGracePeriodIsOver() throws Exception {
        HttpServer server = serve((response, body) -> WholeBody.end(response, body));
        try (Socket viewer = request(server)) {
            answer.complete(null);
            long stopping = System.nanoTime();
            server.shutdown(Duration.ofMillis(500)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)).as("ms to stop with 500 ms of grace")
                    .isBetween(400L, 5_000L);
            assertThat(readBody(viewer.getInputStream(), 0)).as("body bytes of a viewer who read nothing in time")
                    .isLessThan(BODY_BYTES);
        }
    }

    @Test
    void aSmallBodyEndsAsUsual() throws Exception {
        HttpServer server = serve((response, body) -> WholeBody.end(response, body.slice(0, 100)));
        try (Socket viewer = request(server)) {
            answer.complete(null);
            assertThat(readBody(viewer.getInputStream(), 0)).isEqualTo(100);
        }
    }

    /** Starts the shutdown (30 s of grace) while the request waits for its answer, then answers; the body's bytes. */
    private long bodyBytesAfterShutdownWhileAnswering(BiConsumer<HttpServerResponse, Buffer> send) throws Exception {
        HttpServer server = serve(send);
        try (Socket viewer = request(server)) {
            Future<Void> stopped = server.shutdown(Duration.ofSeconds(30));
            Thread.sleep(200);
            assertThat(stopped.isComplete()).as("stopped with a response in flight").isFalse();
            answer.complete(null);
            long received = readBody(viewer.getInputStream(), 2);
            stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return received;
        }
    }

    private static void streamThroughWholeBody(HttpServerResponse response, Buffer body) {
        stream(response, body, last -> WholeBody.endAfter(response, last));
    }

    private static void streamWithAPlainEnd(HttpServerResponse response, Buffer body) {
        stream(response, body, last -> response.end());
    }

    /** As the edge streams a body it is still downloading: chunks under back-pressure, then the end. */
    private static void stream(HttpServerResponse response, Buffer body, Consumer<Future<Void>> end) {
        response.putHeader("Content-Length", Integer.toString(body.length()));
        new Object() {
            int sent;
            Future<Void> last;

            void pump() {
                while (sent < body.length() && !response.writeQueueFull()) {
                    int n = Math.min(CHUNK, body.length() - sent);
                    last = response.write(body.slice(sent, sent + n));
                    sent += n;
                }
                if (sent < body.length()) {
                    response.drainHandler(drained -> pump());
                } else {
                    end.accept(last);
                }
            }
        }.pump();
    }

    private HttpServer serve(BiConsumer<HttpServerResponse, Buffer> send) throws Exception {
        Buffer body = Buffer.buffer(new byte[BODY_BYTES]);
        // A send buffer as small as a real network's (on loopback the kernel starts with over a megabyte): the end
        // then comes while the last chunk still waits in the server's own buffers.
        return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSendBufferSize(SEND_BUFFER))
                .requestHandler(request -> {
                    Context context = vertx.getOrCreateContext();
                    requested.countDown();
                    answer.thenRun(() -> context.runOnContext(go -> send.accept(request.response(), body)));
                })
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Sends a GET and waits until the server has it. */
    private Socket request(HttpServer server) throws IOException, InterruptedException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write("GET /object HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(requested.await(10, TimeUnit.SECONDS)).as("the server got the request").isTrue();
        return socket;
    }

    /**
     * Reads the response's body to its Content-Length, or until the connection ends first, pausing after each read;
     * returns the body's bytes.
     */
    private static long readBody(InputStream in, long pauseMillis) throws IOException, InterruptedException {
        byte[] buffer = new byte[64 * 1024];
        StringBuilder head = new StringBuilder();
        long length = Long.MAX_VALUE;
        long body = 0;
        while (body < length) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketException reset) {
                return body;
            }
            if (n < 0) {
                return body;
            }
            int from = 0;
            if (head != null) {
                head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                int end = head.indexOf("\r\n\r\n");
                if (end < 0) {
                    continue;
                }
                from = n - (head.length() - end - 4);
                length = contentLength(head.substring(0, end));
                head = null;
            }
            body += n - from;
            Thread.sleep(pauseMillis);
        }
        return body;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        throw new AssertionError("no Content-Length in " + head);
    }
}
