package io.streamcdn.demo;

import io.streamcdn.common.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole CDN started in this JVM on random ports, as the demo, the end-to-end tests and the QoE benchmark start
 * it. One CDN for the ordered steps: it comes up, serves, loses an edge, closes; then starts again over the same data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalCdnTest {

    /** Small and quick to encode on a two-core machine. */
    private static final String LADDER = "360p:800k,240p:400k";

    @TempDir
    static Path dir; // static: JUnit fills instance fields only after @BeforeAll
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalCdn cdn;
    private String videoId;

    @BeforeAll
    void start() throws Exception {
        cdn = LocalCdn.builder(dir.resolve("data")).sampleSeconds(4).ladder(LADDER).start();
    }

    @AfterAll
    void stop() throws Exception {
        cdn.close(); // a second close after the test's own is harmless
    }

    @Test
    @Order(1)
    void bothEdgesRegisterAndAreAvailableAtTheRouterWhenStartReturns() throws Exception {
        JsonArray edges = json(cdn.routerUrl() + "/api/edges").getJsonArray("edges");

        assertThat(cdn.edges()).extracting(LocalCdn.Edge::name).containsExactly("edge-ams", "edge-fra");
        assertThat(cdn.edges()).extracting(LocalCdn.Edge::city).containsExactly("Amsterdam", "Frankfurt");
        assertThat(edges.stream().map(JsonObject.class::cast))
                .extracting(e -> e.getString("name"), e -> e.getString("url"), e -> e.getBoolean("available"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("edge-ams", cdn.edge("edge-ams").url(), true),
                        org.assertj.core.groups.Tuple.tuple("edge-fra", cdn.edge("edge-fra").url(), true));
        assertThat(cdn.originUrl()).startsWith("http://127.0.0.1:");
        assertThat(get(cdn.originUrl() + "/health").statusCode()).isEqualTo(200);
        // Each edge has its own cache folder under the data directory.
        assertThat(cdn.dataDir()).isEqualTo(dir.resolve("data").toAbsolutePath().normalize());
        assertThat(dir.resolve("data/edges/edge-ams")).isDirectory();
        assertThat(dir.resolve("data/edges/edge-fra")).isDirectory();
    }

    @Test
    @Order(2)
    void theSampleIsIngestedAndBecomesReadyOnTheConfiguredLadder() throws Exception {
        videoId = cdn.videoId().orElseThrow();
        JsonObject video = cdn.awaitReady(videoId, Duration.ofMinutes(3));

        assertThat(video.getString("state")).as(video.encodePrettily()).isEqualTo("ready");
        assertThat(video.getString("title")).isEqualTo("Sample test pattern");
        assertThat(video.getJsonArray("renditions").stream().map(JsonObject.class::cast).map(r -> r.getString("id")))
                .containsExactlyInAnyOrder("360p", "240p");
        assertThat(dir.resolve("data/sample-4s.mp4")).isRegularFile();
    }

    @Test
    @Order(3)
    void theRouteApiListsBothEdgesAndEachServesTheVideo() throws Exception {
        JsonObject route = json(cdn.routerUrl() + "/api/route?video=" + videoId);
        String mpd = get(cdn.originUrl() + "/videos/" + videoId + "/manifest.mpd").body();

        assertThat(route.getJsonArray("edges").stream().map(JsonObject.class::cast).map(e -> e.getString("name")))
                .containsExactlyInAnyOrder("edge-ams", "edge-fra");
        for (LocalCdn.Edge edge : cdn.edges()) {
            HttpResponse<String> viaEdge = get(edge.url() + "/videos/" + videoId + "/manifest.mpd");
            assertThat(viaEdge.statusCode()).as(edge.name()).isEqualTo(200);
            assertThat(viaEdge.headers().firstValue("Via").orElseThrow()).contains(edge.name());
            assertThat(viaEdge.body()).isEqualTo(mpd);
        }
        HttpResponse<String> redirect = get(cdn.routerUrl() + "/videos/" + videoId + "/manifest.mpd");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow())
                .isIn(cdn.edges().stream().map(e -> e.url() + "/videos/" + videoId + "/manifest.mpd").toList());
    }

    @Test
    @Order(4)
    void aStoppedEdgeLeavesTheRouteAtOnceAndNoLongerAnswers() throws Exception {
        LocalCdn.Edge amsterdam = cdn.edge("edge-ams");

        cdn.stopEdge("edge-ams");

        JsonObject route = json(cdn.routerUrl() + "/api/route?video=" + videoId);
        assertThat(route.getJsonArray("edges").stream().map(JsonObject.class::cast).map(e -> e.getString("name")))
                .containsExactly("edge-fra");
        assertThatThrownBy(() -> get(amsterdam.url() + "/health")).isInstanceOf(ConnectException.class);
        assertThat(get(cdn.edge("edge-fra").url() + "/videos/" + videoId + "/manifest.mpd").statusCode()).isEqualTo(200);
        cdn.stopEdge("edge-ams"); // stopping it again does nothing
    }

    @Test
    @Order(5)
    void closingFreesEveryPort() throws Exception {
        List<Integer> ports = new ArrayList<>();
        ports.add(URI.create(cdn.originUrl()).getPort());
        ports.add(URI.create(cdn.routerUrl()).getPort());
        cdn.edges().forEach(e -> ports.add(URI.create(e.url()).getPort()));

        cdn.close();

        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    @Order(6)
    void aSecondStartOverTheSameDataOffersTheExistingVideoInsteadOfAnotherSample() throws Exception {
        try (LocalCdn again = LocalCdn.builder(dir.resolve("data")).sampleSeconds(4).ladder(LADDER).edges(1).start()) {
            assertThat(again.videoId()).contains(videoId);
            assertThat(json(again.originUrl() + "/api/videos").getJsonArray("videos")).hasSize(1);
            assertThat(again.edges()).extracting(LocalCdn.Edge::name).containsExactly("edge-ams");
        }
    }

    @Test
    void aPortInUseIsRefusedNamingTheFlagAndNothingIsLeftRunning(@TempDir Path other) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LocalCdn.builder(other).sampleSeconds(0).originPort(taken.getLocalPort()).start())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("--port");
        }
        assertThat(Files.exists(other.resolve("edges"))).as("no edge was started").isFalse();
    }

    @Test
    void badSettingsAreRefusedWhenSet() {
        assertThatThrownBy(() -> LocalCdn.builder(dir).edges(5)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--edges 5");
        assertThatThrownBy(() -> LocalCdn.builder(dir).edgePort(70000)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--edge-port 70000");
        assertThatThrownBy(() -> LocalCdn.builder(dir).ladder("720p")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--ladder");
        assertThatThrownBy(() -> LocalCdn.builder(dir).sampleSeconds(-1)).isInstanceOf(ConfigException.class);
    }

    private JsonObject json(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(url + " → " + response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
