package io.streamcdn.demo;

import io.streamcdn.common.RoleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTest {

    @Test
    void theDemoPrintsOneUrlToOpenAndEveryRolesAddressAndMetrics(@TempDir Path dir) throws Exception {
        Demo demo = new Demo();
        // The flags as `./streamcdn demo` reads them, the edge count from its environment variable.
        RoleCommand.commandLine("demo", demo, Map.of("STREAMCDN_DEMO_EDGES", "2")).parseArgs("--port", "0",
                "--edge-port", "0", "--router-port", "0", "--data-dir", dir.resolve("data").toString(),
                "--sample-seconds", "2");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (LocalCdn cdn = demo.start(new PrintStream(printed, true, StandardCharsets.UTF_8))) {
            String text = printed.toString(StandardCharsets.UTF_8);

            assertThat(text).containsOnlyOnce("Open this in a browser");
            assertThat(text.lines().map(String::strip)).contains(cdn.originUrl() + "/");
            assertThat(text).contains(cdn.routerUrl(), cdn.originUrl() + "/videos/" + cdn.videoId().orElseThrow());
            assertThat(cdn.edges()).hasSize(2).allSatisfy(edge -> assertThat(text).contains(edge.name(), edge.url(), edge.city()));
            assertThat(text).contains("metrics /metrics", "Ctrl-C");
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(cdn.originUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("streamcdn_qoe_beacons_total");
        }
    }
}
