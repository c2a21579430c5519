package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlowOriginTest {

    @Test
    void servesACacheableBodyLateAndCountsRequestsPerPath() throws Exception {
        try (SlowOrigin origin = SlowOrigin.start(100_000, Duration.ofMillis(100), Duration.ofMillis(100))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String path = "/videos/slowtest01/seg-00001.m4s";
            long start = System.nanoTime();

            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + origin.port() + path)).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(SlowOrigin.body(path, 100_000));
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
            assertThat(response.headers().firstValue("ETag")).isPresent();
            assertThat(origin.requests(path)).isEqualTo(1);
            assertThat(origin.requests("/videos/slowtest01/other.m4s")).isZero();
        }
    }

    @Test
    void concurrentClientsAllGetTheWholeBody() throws Exception {
        try (SlowOrigin origin = SlowOrigin.start(50_000, Duration.ofMillis(20), Duration.ofMillis(40))) {
            String path = "/videos/slowtest02/seg-00001.m4s";
            byte[] expected = SlowOrigin.body(path, 50_000);

            List<ColdRush.Waiter> waiters = ColdRush.run("http://127.0.0.1:" + origin.port() + path, expected, 20,
                    Duration.ofSeconds(10));

            assertThat(waiters).hasSize(20).allMatch(w -> w.complete(50_000));
            assertThat(waiters).allMatch(w -> w.firstByteMs() >= 20 && w.totalMs() >= w.firstByteMs());
            assertThat(origin.requests(path)).isEqualTo(20);
        }
    }
}
