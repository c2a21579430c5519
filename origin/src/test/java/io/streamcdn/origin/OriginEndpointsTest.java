package io.streamcdn.origin;

import io.streamcdn.common.Version;
import io.streamcdn.origin.testing.FakeVideo;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.streamcdn.origin.testing.FakeVideo.url;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What operators and monitors see of a running origin: metrics, health, and answers off the known routes. */
class OriginEndpointsTest {

    @TempDir
    static Path temp;
    static RunningOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        origin = RunningOrigin.start(data); // start-up removes folders with no catalog record
        FakeVideo.publish(data);
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    @Test
    void metricsExposeHttpServerAndJvmMetricsWithRouteTemplatesNotPaths() throws Exception {
        origin.get(url("720p/seg-00001.m4s"));
        origin.get(url("manifest.mpd"));
        origin.get("/videos/zzzzzz999999/manifest.mpd");
        origin.raw("GET", "/videos/" + FakeVideo.ID + "/..%2fcatalog");

        HttpResponse<byte[]> response = origin.get("/metrics");
        String text = new String(response.body(), StandardCharsets.UTF_8);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(text).contains("jvm_memory_used_bytes", "process_uptime_seconds", "streamcdn_files_served_total");
        assertThat(requestCount(text, "GET", "200", "/videos/:id/*")).isGreaterThanOrEqualTo(2);
        assertThat(requestCount(text, "GET", "404", "/videos/:id/*")).isGreaterThanOrEqualTo(1);
        assertThat(text).doesNotContain(FakeVideo.ID, "zzzzzz999999", "seg-00001", "manifest.mpd", "catalog");
        assertThat(text).containsPattern("streamcdn_files_served_total\\{[^}]*kind=\"segment\"[^}]*outcome=\"full\"");
    }

    /** The value of vertx_http_server_requests_total for one method/code/route, or 0 when absent. */
    private static double requestCount(String metrics, String method, String code, String route) {
        Matcher m = Pattern.compile("(?m)^vertx_http_server_requests_total\\{([^}]*)} (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("method=\"" + method + "\"") && labels.contains("code=\"" + code + "\"")
                    && labels.contains("route=\"" + route + "\"")) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    @Test
    void healthReportsStatusVersionUptimeAndFreeSpace() throws Exception {
        HttpResponse<byte[]> response = origin.get("/health");
        JsonObject health = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(health.getString("status")).isEqualTo("ok");
        assertThat(health.getString("role")).isEqualTo("origin");
        assertThat(health.getString("version")).isEqualTo(Version.current()).isNotEqualTo("unknown");
        assertThat(health.getDouble("uptimeSeconds")).isPositive();
        assertThat(health.getLong("dataDirFreeBytes")).isPositive();
    }

    @Test
    void healthIs503WhenTheDataDirectoryIsGone(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (RunningOrigin doomed = RunningOrigin.start(data)) {
            try (var paths = Files.walk(data)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }

            HttpResponse<byte[]> response = doomed.get("/health");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("status"))
                    .isEqualTo("unavailable");
        }
    }

    @Test
    void anUnknownRouteGets404AsJson() throws Exception {
        HttpResponse<byte[]> response = origin.get("/nothing/here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error"))
                .isEqualTo("not_found");
    }

    @Test
    void startingOnAPortInUseFailsAndReleasesEverything(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            OriginConfig config = OriginConfig.builder().host("127.0.0.1").port(taken.getLocalPort())
                    .dataDir(dir.resolve("data")).build();

            assertThatThrownBy(() -> OriginServer.start(config).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(java.net.BindException.class);
        }
    }
}
