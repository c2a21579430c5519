package io.streamcdn.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code n} clients asking for one URL at the same moment, each on its own connection, as viewers do when
 * a popular live segment appears. For each: status, time to the first body byte (TTFB), time to the last,
 * body length and whether every byte matched the expected body, timed from the moment that client's
 * request was handed to the HTTP client. Bytes are compared as they arrive rather than hashed: on two
 * cores, hashing 200 MB would cost the client about a second of CPU shared with the server under test.
 */
final class ColdRush {

    /** What one client saw; times in milliseconds, -1 when it never got that far. */
    record Waiter(int status, double firstByteMs, double totalMs, long bytes, boolean matches, String error) {
        /** 200, every expected byte and nothing else. */
        boolean complete(int length) {
            return status == 200 && error == null && bytes == length && matches;
        }
    }

    private ColdRush() {
    }

    static List<Waiter> run(String url, byte[] expected, int clients, Duration timeout) throws Exception {
        // For HTTP/1.1 the JDK's client opens a connection per request in flight: one connection per waiter.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build();
        List<CompletableFuture<Waiter>> waiters = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long start = System.nanoTime();
            waiters.add(http.sendAsync(request, info -> new Timed(info.statusCode(), start, expected))
                    .thenCompose(HttpResponse::body)
                    .exceptionally(e -> new Waiter(-1, -1, -1, 0, false, String.valueOf(e.getCause() != null ? e.getCause() : e))));
        }
        List<Waiter> results = new ArrayList<>();
        for (CompletableFuture<Waiter> waiter : waiters) {
            results.add(waiter.get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS));
        }
        return results;
    }

    /** Compares the body with the expected one as it arrives and notes when its first and last bytes came. */
    private static final class Timed implements HttpResponse.BodySubscriber<CompletionStage<Waiter>> {

        private final int status;
        private final long start;
        private final byte[] expected;
        private final CompletableFuture<Waiter> result = new CompletableFuture<>();
        private long firstByte = -1;
        private long bytes;
        private boolean matches = true;

        Timed(int status, long start, byte[] expected) {
            this.status = status;
            this.start = start;
            this.expected = expected;
        }

        @Override
        public CompletionStage<CompletionStage<Waiter>> getBody() {
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (buffer.hasRemaining() && firstByte < 0) {
                    firstByte = System.nanoTime();
                }
                int n = buffer.remaining();
                matches = matches && bytes + n <= expected.length
                        && buffer.mismatch(ByteBuffer.wrap(expected, (int) bytes, n)) < 0;
                bytes += n;
            }
        }

        @Override
        public void onError(Throwable error) {
            result.complete(new Waiter(status, millis(firstByte), -1, bytes, false, error.toString()));
        }

        @Override
        public void onComplete() {
            result.complete(new Waiter(status, millis(firstByte), millis(System.nanoTime()), bytes, matches, null));
        }

        private double millis(long at) {
            return at < 0 ? -1 : (at - start) / 1e6;
        }
    }
}
