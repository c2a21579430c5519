package io.streamcdn.edge;

import io.streamcdn.common.testing.RoleOnSmallDisk;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.origin.testing.TestOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An edge whose cache disk is full: every viewer still gets the whole object, proxied from the origin (alone,
 * several at once, with a range), nothing half-written stays in the cache folder, every failed write is counted
 * in {@code streamcdn_edge_cache_write_failures_total}, and the log says so once, not once per request. What
 * fits is still cached. The edge runs in its own JVM with a real 1 MiB cache disk (a tmpfs in a user namespace,
 * or a file size limit where those are disabled: see {@link RoleOnSmallDisk}); its {@code --cache-max} is far
 * larger, as on a disk that other files filled.
 */
class ViewersAreServedWholeWhenTheCacheDiskIsFullTest {

    private static final long DISK_BYTES = 1L << 20;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    @Test
    void objectsLargerThanTheFreeSpaceAreProxiedWholeCountedAndLoggedOnce() throws Exception {
        try (TestOrigin origin = TestOrigin.start(dir.resolve("origin"), 1L << 20)) {
            OriginFiles files = new OriginFiles(origin, dir.resolve("origin"));
            byte[] first = files.publish("diskfull", "720p/seg-00001.m4s", 3_000_000);
            byte[] second = files.publish("diskfull", "720p/seg-00002.m4s", 12_000_000);
            byte[] third = files.publish("diskfull", "720p/seg-00003.m4s", 3_000_000);
            byte[] manifest = files.publish("diskfull", "manifest.mpd", 2_000);
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path cacheDir = dir.resolve("cache");
            try (RoleOnSmallDisk edge = RoleOnSmallDisk.start(EdgeServer.class, cacheDir, DISK_BYTES, port,
                    List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--name", "edge-full",
                            "--origin", "http://127.0.0.1:" + origin.port(), "--cache-dir", cacheDir.toString(),
                            "--cache-max", "100m", "--prefetch", "0"))) {
                System.out.println("small disk made by " + edge.method());
                long started = System.nanoTime();

                HttpResponse<byte[]> alone = get(OriginFiles.url("diskfull", "720p/seg-00001.m4s"));
                assertThat(alone.statusCode()).isEqualTo(200);
                assertThat(alone.headers().firstValue("X-Cache")).contains("MISS");
                assertThat(alone.body()).isEqualTo(first);

                // Several viewers of one object at once, one of them slow: the memory the edge holds for them
                // (what the slowest has not read yet) passes its 4 MiB bound, so the upstream pauses and resumes.
                CompletableFuture<byte[]> slow = CompletableFuture.supplyAsync(() ->
                        slowBody(OriginFiles.url("diskfull", "720p/seg-00002.m4s")));
                List<CompletableFuture<HttpResponse<byte[]>>> together = Stream.generate(() ->
                        http.sendAsync(request(OriginFiles.url("diskfull", "720p/seg-00002.m4s")),
                                HttpResponse.BodyHandlers.ofByteArray())).limit(3).toList();
                for (CompletableFuture<HttpResponse<byte[]>> viewer : together) {
                    assertThat(viewer.get().statusCode()).isEqualTo(200);
                    assertThat(viewer.get().body()).isEqualTo(second);
                }
                assertThat(slow.get()).isEqualTo(second);

                HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(uri(OriginFiles.url("diskfull",
                                "720p/seg-00003.m4s"))).header("Range", "bytes=2000000-2099999").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(range.statusCode()).isEqualTo(206);
                assertThat(range.body()).isEqualTo(Arrays.copyOfRange(third, 2_000_000, 2_100_000));

                // Served again whole, from the origin again: nothing of it was stored.
                HttpResponse<byte[]> again = get(OriginFiles.url("diskfull", "720p/seg-00001.m4s"));
                assertThat(again.headers().firstValue("X-Cache")).contains("MISS");
                assertThat(again.body()).isEqualTo(first);

                double failures = metric("streamcdn_edge_cache_write_failures_total");
                assertThat(failures).as("each failed fill counted").isGreaterThanOrEqualTo(3);
                long minutes = Duration.ofNanos(System.nanoTime() - started).toMinutes(); // 0 unless the machine crawls
                assertThat(edge.lines().stream().filter(line -> line.contains("a cache write failed")).count())
                        .as("log lines for %s failures in %d whole minutes", failures, minutes).isBetween(1L, 1 + minutes);
                assertThat(edge.lines()).noneMatch(line -> line.contains("ERROR"));
                awaitEmpty(edge.folder().resolve("tmp"));

                // What fits is still cached.
                assertThat(get(OriginFiles.url("diskfull", "manifest.mpd")).body()).isEqualTo(manifest);
                awaitMetric("streamcdn_edge_stored_total", 1); // stored just after the body went out
                HttpResponse<byte[]> hit = get(OriginFiles.url("diskfull", "manifest.mpd"));
                assertThat(hit.headers().firstValue("X-Cache")).contains("HIT");
                assertThat(hit.body()).isEqualTo(manifest);
                assertThat(get("/health").statusCode()).isEqualTo(200);
            }
        }
    }

    /**
     * The body of {@code path}, read over a plain socket with a small window by a viewer that stops reading for
     * 2 s after its first megabyte: meanwhile the others race ahead, and what the edge holds for it in memory
     * would pass its bound if the upstream were not paused.
     */
    private byte[] slowBody(String path) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(32 * 1024);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            byte[] chunk = new byte[32 * 1024];
            boolean stalled = false;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                all.write(chunk, 0, n);
                if (!stalled && all.size() > 1_000_000) {
                    stalled = true;
                    Thread.sleep(2_000);
                }
            }
            byte[] response = all.toByteArray();
            String text = new String(response, java.nio.charset.StandardCharsets.ISO_8859_1);
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertThat(text).startsWith("HTTP/1.1 200");
            return Arrays.copyOfRange(response, bodyStart, response.length);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build();
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    private double metric(String name) throws Exception {
        return new String(get("/metrics").body()).lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void awaitMetric(String name, double atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metric(name) < atLeast) {
            assertThat(System.nanoTime()).as(name + " reaches " + atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void awaitEmpty(Path folder) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Stream<Path> left = Files.list(folder)) {
                List<Path> files = left.toList();
                if (files.isEmpty()) {
                    return;
                }
                assertThat(System.nanoTime()).as("partial downloads removed: " + files).isLessThan(deadline);
            }
            Thread.sleep(20);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
