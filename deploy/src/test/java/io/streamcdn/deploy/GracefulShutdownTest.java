package io.streamcdn.deploy;

import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.origin.jobs.Catalog;
import io.streamcdn.origin.jobs.DataDirectory;
import io.streamcdn.origin.jobs.VideoRecord;
import io.streamcdn.origin.jobs.VideoState;
import io.streamcdn.router.RouterConfig;
import io.streamcdn.router.RouterServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM, as systemd's stop sends it, to roles running in their own JVMs: a role stops accepting connections,
 * lets the downloads in flight finish within {@code --shutdown-grace}, and exits 0; an edge leaves the router; an
 * origin stopped in the middle of an encode puts the job back in the queue and finishes it after a restart, never
 * publishing half a ladder. (The router's SIGTERM is proven on the distribution archive: see dist's
 * DistributionTest.)
 */
class GracefulShutdownTest {

    private static final String VIDEO = "abc123def456";
    private static final String BIG_FILE = "/videos/" + VIDEO + "/720p/seg-00001.m4s";
    /** Bigger than every socket buffer between the server and a slow reader on loopback, so it is really in flight. */
    private static final long BIG_FILE_BYTES = 32L << 20;
    private static final long PAUSE_MS = 8; // 64 KB per 8 ms: the whole file in about 4 s

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void anOriginFinishesADownloadInFlightRefusesNewConnectionsAndExits0(@TempDir Path dir) throws Exception {
        Path data = publishedBigFile(dir.resolve("origin-data"));
        try (RoleProcess origin = RoleProcess.start("origin", List.of("--data-dir", data.toString(),
                "--shutdown-grace", "60s"));
             SlowDownload download = SlowDownload.start(origin.port(), BIG_FILE)) {
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.contentLength()).isEqualTo(BIG_FILE_BYTES);
            assertThat(download.readUntil(2L << 20, PAUSE_MS)).isTrue();

            origin.terminate();
            origin.awaitLine(line -> line.contains("stopping origin (SIGTERM)"));
            awaitRefusedConnections(origin.port());

            assertThat(download.readToEnd(PAUSE_MS)).as("the whole body arrived").isTrue();
            assertThat(origin.awaitExit(Duration.ofSeconds(60))).as(origin.output()).isZero();
            assertThat(origin.output()).contains("origin stopped");
        }
    }

    @Test
    void aDownloadSlowerThanTheGracePeriodIsCutAndTheRoleStillStopsOnTime(@TempDir Path dir) throws Exception {
        Path data = publishedBigFile(dir.resolve("origin-data"));
        try (RoleProcess origin = RoleProcess.start("origin", List.of("--data-dir", data.toString(),
                "--shutdown-grace", "1s"));
             SlowDownload download = SlowDownload.start(origin.port(), BIG_FILE)) {
            assertThat(download.readUntil(1L << 20, 20)).isTrue();

            long stopping = System.nanoTime();
            origin.terminate();
            assertThat(origin.awaitExit(Duration.ofSeconds(30))).as(origin.output()).isZero();
            long stoppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);

            assertThat(stoppedMillis).as("1 s of grace, then the close").isLessThan(15_000);
            assertThat(download.readToEnd(0)).as("the download was cut, not completed").isFalse();
            assertThat(download.received()).isLessThan(BIG_FILE_BYTES);
        }
    }

    /** The edge in its own JVM; the origin and the router it talks to run in this one (only the edge is stopped). */
    @Test
    void anEdgeLeavesTheRouterFinishesADownloadInFlightAndExits0(@TempDir Path dir) throws Exception {
        Path data = publishedBigFile(dir.resolve("origin-data"));
        OriginServer origin = await(OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(data).build()));
        RouterServer router = await(RouterServer.start(RouterConfig.builder().host("127.0.0.1").port(0).build()));
        String routerUrl = "http://127.0.0.1:" + router.port();
        try (RoleProcess edge = RoleProcess.start("edge", List.of("--origin", "http://127.0.0.1:" + origin.port(),
                "--cache-dir", dir.resolve("edge-cache").toString(), "--name", "edge-stopping",
                "--router", routerUrl, "--shutdown-grace", "60s"))) {
            awaitEdges(routerUrl, edges -> edges.contains("edge-stopping"));

            try (SlowDownload download = SlowDownload.start(edge.port(), BIG_FILE)) {
                assertThat(download.status()).isEqualTo(200);
                assertThat(download.readUntil(2L << 20, PAUSE_MS)).isTrue();

                edge.terminate();
                // It leaves the router before it stops serving, while the download goes on.
                awaitEdges(routerUrl, edges -> !edges.contains("edge-stopping"));
                assertThat(edge.isAlive()).isTrue();

                boolean whole = download.readToEnd(PAUSE_MS);
                assertThat(whole).as(() -> "the whole body arrived (" + download.received() + " of "
                        + download.contentLength() + " bytes); the edge said:\n" + edge.output()).isTrue();
            }
            assertThat(edge.awaitExit(Duration.ofSeconds(60))).as(edge.output()).isZero();
            assertThat(edge.output()).contains("edge edge-stopping stopped");
        } finally {
            await(router.close());
            await(origin.close());
        }
    }

    @Test
    void anOriginStoppedMidEncodeRequeuesTheJobAndFinishesItAfterARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("origin-data");
        Path clip = Path.of(System.getProperty("streamcdn.shared"), "media", "bbb-360p-10s.mp4");
        // One x264 thread for the encode keeps it long enough to be caught in the middle.
        List<String> flags = List.of("--data-dir", data.toString(), "--encode-threads", "1",
                "--ladder", "360p:800k,240p:400k");
        String id;
        try (RoleProcess origin = RoleProcess.start("origin", flags)) {
            HttpResponse<String> upload = http.send(HttpRequest.newBuilder(URI.create(origin.url("/api/videos?title=stop")))
                    .header("Content-Type", "video/mp4").POST(HttpRequest.BodyPublishers.ofFile(clip)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
            id = new JsonObject(upload.body()).getString("id");
            awaitState(origin, id, "encoding", Duration.ofSeconds(60));

            origin.terminate();
            assertThat(origin.awaitExit(Duration.ofSeconds(60))).as(origin.output()).isZero();
        }
        // On disk: the job is queued again, without an attempt charged to it, and nothing is published.
        JsonObject record = new JsonObject(Files.readString(data.resolve("catalog").resolve(id + ".json")));
        assertThat(record.getString("state")).as("the record after the stop: " + record).isEqualTo("queued");
        assertThat(record.getInteger("attempts")).isZero();
        assertThat(data.resolve("videos").resolve(id)).doesNotExist();

        try (RoleProcess restarted = RoleProcess.start("origin", flags)) {
            JsonObject ready = awaitState(restarted, id, "ready", Duration.ofSeconds(300));
            assertThat(ready.getJsonArray("renditions")).hasSize(2);
            HttpResponse<String> manifest = http.send(HttpRequest.newBuilder(URI.create(
                    restarted.url("/videos/" + id + "/manifest.mpd"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(manifest.statusCode()).isEqualTo(200);
            assertThat(manifest.body()).contains("<MPD");
            for (String rung : List.of("360p", "240p", "audio")) {
                assertThat(data.resolve("videos").resolve(id).resolve(rung).resolve("init.mp4")).isNotEmptyFile();
            }
            assertThat(restarted.output()).doesNotContain("interrupted");
        }
    }

    /** A data folder whose catalog holds one ready video with one 32 MB file (random-free: the server never looks inside). */
    private static Path publishedBigFile(Path data) throws IOException {
        Catalog catalog = Catalog.load(DataDirectory.open(data));
        Instant now = Instant.now();
        catalog.put(new VideoRecord(VIDEO, "big", VideoState.READY, 1.0, null, now, now,
                new VideoRecord.Source("mp4", "h264", 1280, 720, 30, 10, true), 10, List.of(), 0));
        Path file = data.resolve("videos").resolve(VIDEO).resolve("720p").resolve("seg-00001.m4s");
        Files.createDirectories(file.getParent());
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(BIG_FILE_BYTES);
        }
        return data;
    }

    /** Within 30 s of the stop (the line is logged just before the server closes its port), connections are refused. */
    private static void awaitRefusedConnections(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                Thread.sleep(50); // still accepting
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                throw new AssertionError("connecting during the shutdown: " + other);
            }
        }
        throw new AssertionError("the role still accepted connections 30 s after SIGTERM");
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private void awaitEdges(String router, java.util.function.Predicate<List<String>> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> names = List.of();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(router + "/api/edges")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonArray edges = new JsonObject(answer.body()).getJsonArray("edges");
            names = edges.stream().map(e -> ((JsonObject) e).getString("name")).toList();
            if (wanted.test(names)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the router's edges stayed " + names);
    }

    private JsonObject awaitState(RoleProcess origin, String id, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject video = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(origin.url("/api/videos/" + id)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            video = new JsonObject(answer.body());
            if (state.equals(video.getString("state"))) {
                return video;
            }
            assertThat(video.getString("state")).as("the video while waiting for " + state).isNotIn("failed");
            Thread.sleep(50);
        }
        throw new AssertionError("video " + id + " never became " + state + ": " + video + "\n" + origin.output());
    }
}
