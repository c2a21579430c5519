package io.streamcdn.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code n} clients asking for one URL at the same moment, each on its own connection, as viewers do when
 * a popular live segment appears. For each: status, time to the first body byte (TTFB), time to the last,
 * body length and SHA-256, timed from the moment that client's request was handed to the HTTP client.
 */
final class ColdRush {

    /** What one client saw; times in milliseconds, -1 when it never got that far. */
    record Waiter(int status, double firstByteMs, double totalMs, long bytes, String sha256, String error) {
    }

    private ColdRush() {
    }

    static List<Waiter> run(String url, int clients, Duration timeout) throws Exception {
        // For HTTP/1.1 the JDK's client opens a connection per request in flight: one connection per waiter.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build();
        List<CompletableFuture<Waiter>> waiters = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            long start = System.nanoTime();
            waiters.add(http.sendAsync(request, info -> new Timed(info.statusCode(), start))
                    .thenCompose(HttpResponse::body)
                    .exceptionally(e -> new Waiter(-1, -1, -1, 0, "", String.valueOf(e.getCause() != null ? e.getCause() : e))));
        }
        List<Waiter> results = new ArrayList<>();
        for (CompletableFuture<Waiter> waiter : waiters) {
            results.add(waiter.get(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS));
        }
        return results;
    }

    /** Hashes the body as it arrives and notes when its first and last bytes came. */
    private static final class Timed implements HttpResponse.BodySubscriber<CompletionStage<Waiter>> {

        private final int status;
        private final long start;
        private final MessageDigest digest;
        private final CompletableFuture<Waiter> result = new CompletableFuture<>();
        private long firstByte = -1;
        private long bytes;

        Timed(int status, long start) {
            this.status = status;
            this.start = start;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
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
                bytes += buffer.remaining();
                digest.update(buffer);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.complete(new Waiter(status, millis(firstByte), -1, bytes, "", error.toString()));
        }

        @Override
        public void onComplete() {
            result.complete(new Waiter(status, millis(firstByte), millis(System.nanoTime()), bytes,
                    HexFormat.of().formatHex(digest.digest()), null));
        }

        private double millis(long at) {
            return at < 0 ? -1 : (at - start) / 1e6;
        }
    }
}
