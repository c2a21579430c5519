package io.streamcdn.bench.qoe;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy on real loopback sockets: timings are measured with a wall clock, so the tolerances allow a
 * loaded two-core machine (a late tick only makes one burst larger; the integral stays exact).
 */
class ShapingProxyTest {

    private static final Duration DELAY = Duration.ofMillis(40);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ByteUpstream upstream;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = ByteUpstream.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
    }

    @Test
    void oneMegabyteAtTwoMegabitsTakesFourSeconds() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(2.0), DELAY)) {
            long start = System.nanoTime();

            HttpResponse<byte[]> response = get(proxy, "/bytes/1000000");

            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(ByteUpstream.body(1_000_000));
            assertThat(response.headers().firstValue("X-Upstream")).hasValue("bytes");
            assertThat(response.headers().firstValue("Content-Length")).hasValue("1000000");
            assertThat(seconds).isBetween(3.9, 4.6); // 4 s of bytes + 80 ms round trip
        }
    }

    @Test
    void theRateFollowsATraceStep() throws Exception {
        BandwidthTrace step = new BandwidthTrace("step", new double[] {0, 2}, new double[] {8, 1}, 100);
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(100), DELAY)) {
            get(proxy, "/bytes/2400000"); // connections open, code warm, before the trace's clock starts
            proxy.follow(step);
            long start = System.nanoTime();
            List<long[]> progress = new ArrayList<>(); // {nanos since start, bytes so far}
            HttpResponse<InputStream> response = http.send(request(proxy, "/bytes/2400000"),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[8192];
                long total = 0;
                for (int n; (n = body.read(buffer)) > 0; ) {
                    total += n;
                    progress.add(new long[] {System.nanoTime() - start, total});
                }
                assertThat(total).isEqualTo(2_400_000);
            }

            double first = progress.get(0)[0] / 1e9;
            double last = progress.get(progress.size() - 1)[0] / 1e9;
            assertThat(first).as("first byte (s)").isLessThan(1.2);
            assertThat(mbpsBetween(progress, first + 0.2, 1.9)).isBetween(6.5, 9.5);
            assertThat(mbpsBetween(progress, 2.5, 4.5)).isBetween(0.8, 1.2);
            // From its first byte to its last, the body took what the trace carries in that time (when the
            // first byte comes depends on the upstream, which on a loaded machine is not instant).
            assertThat(step.bitsBetween(first, last) / 8).isBetween(2_400_000 * 0.92, 2_400_000 * 1.05);
        }
    }

    @Test
    void concurrentResponsesShareTheRate() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(2.0), DELAY)) {
            long start = System.nanoTime();
            CompletableFuture<Double> first = timed(proxy, "/bytes/500000", start);
            CompletableFuture<Double> second = timed(proxy, "/bytes/500001", start);

            // Alone, each would take 2 s; sharing, both finish together after the 4 s that 1 MB needs.
            assertThat(first.get()).isBetween(3.6, 4.7);
            assertThat(second.get()).isBetween(3.6, 4.7);
        }
    }

    @Test
    void everyRequestCostsTheRoundTrip() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(100), DELAY)) {
            get(proxy, "/bytes/100"); // opens the connections
            long start = System.nanoTime();

            HttpResponse<byte[]> response = get(proxy, "/bytes/100");

            double millis = (System.nanoTime() - start) / 1e6;
            assertThat(response.body()).hasSize(100);
            assertThat(millis).isBetween(80.0, 300.0);
        }
    }

    @Test
    void aBodyWithoutLengthIsRelayedChunked() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(50), DELAY)) {
            HttpResponse<byte[]> response = get(proxy, "/chunked/300000");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(ByteUpstream.body(300_000));
        }
    }

    @Test
    void aHeadRequestGetsTheHeadersAndNoBody() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(50), DELAY)) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/bytes/1000"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Length")).hasValue("1000");
            assertThat(response.body()).isEmpty();
            assertThat(get(proxy, "/bytes/10").body()).hasSize(10); // the connection is still in step
        }
    }

    @Test
    void requestBodiesReachTheUpstream() throws Exception {
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(50), DELAY)) {
            String beacon = new JsonObject().put("v", 1).put("session", "abcdefghijklmnop").encode();

            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/echo"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(beacon)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(beacon);
        }
    }

    @Test
    void theUpstreamIsReadNoFasterThanTheLinkAndDroppedWithTheViewer() throws Exception {
        int size = 64 * 1024 * 1024;
        try (ShapingProxy proxy = ShapingProxy.start(upstream.port(), BandwidthTrace.constant(8.0), DELAY)) {
            HttpResponse<InputStream> response = http.send(request(proxy, "/bytes/" + size),
                    HttpResponse.BodyHandlers.ofInputStream());
            long read = 0;
            long until = System.nanoTime() + 2_000_000_000L;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[8192];
                while (System.nanoTime() < until) {
                    read += body.read(buffer);
                }
            }

            // 2 s at 1 MB/s reached the viewer; the upstream wrote that plus what socket buffers and the
            // flow's queue hold, nowhere near the 64 MB a proxy ignoring back-pressure reads in a second.
            assertThat(read).isBetween(1_500_000L, 2_600_000L);
            assertThat(upstream.bytesWritten.get()).isLessThan(24L * 1024 * 1024);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (upstream.closedEarly.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(upstream.closedEarly).hasValue(1);
        }
    }

    @Test
    void anUnreachableUpstreamIsA502WithAReason() throws Exception {
        int closedPort;
        try (ByteUpstream gone = ByteUpstream.start()) {
            closedPort = gone.port();
        }
        try (ShapingProxy proxy = ShapingProxy.start(closedPort, BandwidthTrace.constant(10), DELAY)) {
            HttpResponse<String> response = http.send(request(proxy, "/bytes/10"), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(502);
            JsonObject body = new JsonObject(response.body());
            assertThat(body.getString("error")).isEqualTo("upstream unavailable");
            assertThat(body.getString("reason")).contains("127.0.0.1:" + closedPort);
            assertThat(get(proxy, "/bytes/10").statusCode()).isEqualTo(502); // and it keeps answering
        }
    }

    private HttpRequest request(ShapingProxy proxy, String path) {
        return HttpRequest.newBuilder(URI.create(proxy.url() + path)).build();
    }

    private HttpResponse<byte[]> get(ShapingProxy proxy, String path) throws Exception {
        return http.send(request(proxy, path), HttpResponse.BodyHandlers.ofByteArray());
    }

    private CompletableFuture<Double> timed(ShapingProxy proxy, String path, long start) {
        return http.sendAsync(request(proxy, path), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    assertThat(response.body()).hasSize(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
                    return (System.nanoTime() - start) / 1e9;
                });
    }

    /** Mean rate over [from, to] seconds of a download's progress samples. */
    private static double mbpsBetween(List<long[]> progress, double from, double to) {
        long[] a = at(progress, from);
        long[] b = at(progress, to);
        return (b[1] - a[1]) * 8 / ((b[0] - a[0]) / 1e9) / 1e6;
    }

    private static long[] at(List<long[]> progress, double seconds) {
        for (long[] sample : progress) {
            if (sample[0] / 1e9 >= seconds) {
                return sample;
            }
        }
        return progress.get(progress.size() - 1);
    }
}
