package io.streamcdn.demo;

import io.streamcdn.common.LogFormat;
import io.streamcdn.common.RoleCommand;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./streamcdn demo}: the whole CDN on this machine ({@link LocalCdn}: the router, the origin, two edges in
 * Amsterdam and Frankfurt), a generated sample when the catalog is empty, and one URL to open: the origin's
 * {@code /}, where the player is. Ctrl-C stops everything; the edges deregister from the router first.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = io.streamcdn.common.Version.class,
        description = "Start the whole CDN (origin, router, edges) on this machine with a sample video and print the URL to open.")
public final class Demo implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    @Option(names = "--port", defaultValue = "8080",
            description = "Origin port, where the player is served (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_PORT).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address every role listens on; the demo stays on this machine by default (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_HOST).")
    String host;

    @Option(names = "--data-dir", defaultValue = "./demo-data",
            description = "Where the demo keeps uploads, ladders and the edges' caches (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_DATA_DIR).")
    Path dataDir;

    @Option(names = "--edge-port", defaultValue = "8081",
            description = "Port of the first edge; the others take the next ports, 0 picks free ones (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_EDGE_PORT).")
    int edgePort;

    @Option(names = "--edges", defaultValue = "2",
            description = "How many edges, 1 to 4: Amsterdam, Frankfurt, London, Paris (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_EDGES).")
    int edges;

    @Option(names = "--router-port", defaultValue = "8090",
            description = "Port of the router, which sends viewers to an edge (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_ROUTER_PORT).")
    int routerPort;

    @Option(names = "--sample-seconds", defaultValue = "30",
            description = "Length of the sample generated when the catalog is empty; 0 for none (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_SAMPLE_SECONDS).")
    int sampleSeconds;

    @Option(names = "--log-format", defaultValue = "text",
            description = "How the log is written: text or json, one JSON object per line (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_LOG_FORMAT).")
    String logFormat;

    public static void main(String[] args) {
        System.exit(RoleCommand.run("demo", new Demo(), args));
    }

    @Override
    public Integer call() throws Exception {
        LogFormat.parse(logFormat).applyToConsole(); // one format for the whole process: every role runs in it
        LocalCdn cdn = start(System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Printed, not logged: logback's own shutdown hook may already have stopped the log.
            System.out.println("streamcdn demo stopping: the edges deregister from the router, then every role stops");
            try {
                cdn.close();
                System.out.println("streamcdn demo stopped");
            } catch (Exception e) {
                System.out.println("streamcdn demo did not stop cleanly: " + e);
            }
            stopped.countDown();
        }, "demo-shutdown"));
        if (cdn.videoId().isPresent()) {
            try {
                reportEncode(cdn, cdn.videoId().get(), System.out);
            } catch (IOException stoppedMeanwhile) {
                LOG.debug("stopped before the sample was ready: {}", stoppedMeanwhile.toString());
            }
        }
        stopped.await();
        return 0;
    }

    /** Starts the CDN as the flags say and prints where everything is to {@code out}. */
    public LocalCdn start(PrintStream out) throws Exception {
        LocalCdn cdn = LocalCdn.builder(dataDir).host(host).originPort(port).edgePort(edgePort).edges(edges)
                .routerPort(routerPort).sampleSeconds(sampleSeconds).start();
        printUrls(cdn, out);
        return cdn;
    }

    /** One URL to open, then each role's address and where its metrics are. URLs stay plain text in JSON log mode. */
    static void printUrls(LocalCdn cdn, PrintStream out) {
        out.println();
        out.println("streamcdn demo is running. Open this in a browser:");
        out.println();
        out.println("    " + cdn.originUrl() + "/");
        out.println();
        out.printf("  %-9s %-24s API /api/videos, QoE /api/qoe, metrics /metrics, health /health%n", "origin",
                cdn.originUrl());
        out.printf("  %-9s %-24s edges /api/edges, route /api/route?video=ID, metrics /metrics%n", "router",
                cdn.routerUrl());
        for (LocalCdn.Edge edge : cdn.edges()) {
            out.printf("  %-9s %-24s %s; cache in edges/%s, metrics /metrics, health /health%n", edge.name(), edge.url(),
                    edge.city(), edge.name());
        }
        cdn.videoId().ifPresent(id -> out.printf("  %-9s %s/videos/%s/manifest.mpd (through the router: %s/videos/%s/manifest.mpd)%n",
                "video", cdn.originUrl(), id, cdn.routerUrl(), id));
        out.println("Upload your own on the page above, or: curl -F file=@movie.mp4 " + cdn.originUrl() + "/api/videos");
        out.println("Press Ctrl-C to stop.");
        out.println();
    }

    /** Prints the video's state as it changes, until it is ready or failed. */
    static void reportEncode(LocalCdn cdn, String id, PrintStream out) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String last = "";
        while (true) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(cdn.originUrl() + "/api/videos/" + id))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("the origin answered " + answer.statusCode() + " for video " + id);
            }
            JsonObject video = new JsonObject(answer.body());
            String state = video.getString("state");
            if (!state.equals(last)) {
                out.println("video " + id + ": " + state
                        + ("failed".equals(state) ? " (" + video.getString("error") + ")" : ""));
                last = state;
            }
            if ("ready".equals(state)) {
                out.println("ready to watch: " + cdn.originUrl() + "/watch.html?v=" + id);
                return;
            }
            if ("failed".equals(state)) {
                return;
            }
            Thread.sleep(500);
        }
    }
}
