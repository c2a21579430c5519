package io.streamcdn.demo;

import io.streamcdn.common.LogFormat;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.media.MediaException;
import io.streamcdn.media.SampleVideo;
import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.router.RouterConfig;
import io.streamcdn.router.RouterServer;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./streamcdn demo}: the whole system on this machine with its embedded defaults. For now that is
 * the origin, with its data in a local folder; when the catalog is empty it generates a 30 s sample
 * (test pattern and tone, encoded in-process) and uploads it through the origin's own HTTP API, the
 * same path a user's upload takes. Later roles (edges, router, player) join here.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = io.streamcdn.common.Version.class,
        description = "Start streamcdn on this machine with a sample video and print the URLs to open.")
public final class Demo implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    /** Where the demo's edge says it is, and where the router assumes local viewers are (Amsterdam). */
    private static final String DEMO_LOCATION = "52.37,4.89";

    @Option(names = "--port", defaultValue = "8080",
            description = "Origin port (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_PORT).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on; the demo stays on this machine by default (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_HOST).")
    String host;

    @Option(names = "--data-dir", defaultValue = "./demo-data",
            description = "Where the demo keeps uploads and ladders (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_DATA_DIR).")
    Path dataDir;

    @Option(names = "--edge-port", defaultValue = "8081",
            description = "Port of the demo's edge, which caches the origin's videos (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_EDGE_PORT).")
    int edgePort;

    @Option(names = "--router-port", defaultValue = "8090",
            description = "Port of the demo's router, which sends viewers to the edge (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_ROUTER_PORT).")
    int routerPort;

    @Option(names = "--sample-seconds", defaultValue = "30",
            description = "Length of the generated sample (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_SAMPLE_SECONDS).")
    int sampleSeconds;

    @Option(names = "--log-format", defaultValue = "text",
            description = "How the log is written: text or json, one JSON object per line (default: ${DEFAULT-VALUE}; env: STREAMCDN_DEMO_LOG_FORMAT).")
    String logFormat;

    public static void main(String[] args) {
        System.exit(RoleCommand.run("demo", new Demo(), args));
    }

    /** A started demo: the origin, an edge in front of it and the router that sends viewers to the edge. */
    public record Running(OriginServer origin, String baseUrl, EdgeServer edge, String edgeUrl, RouterServer router,
                          String routerUrl, String videoId) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            edge.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            router.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            origin.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public Integer call() throws Exception {
        LogFormat.parse(logFormat).applyToConsole(); // one format for the whole process: every role runs in it
        Running demo;
        try {
            demo = start();
        } catch (java.util.concurrent.ExecutionException e) {
            System.err.println("streamcdn demo: could not start: " + e.getCause().getMessage()
                    + (e.getCause() instanceof java.net.BindException
                    ? " (is port " + port + ", " + edgePort + " or " + routerPort + " in use? try --port / --edge-port / --router-port)" : ""));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("demo stopping");
            try {
                demo.close();
            } catch (Exception e) {
                LOG.warn("demo did not stop cleanly: {}", e.toString());
            }
            stopped.countDown();
        }, "demo-shutdown"));
        printUrls(demo.baseUrl(), demo.edgeUrl(), demo.routerUrl(), demo.videoId());
        waitUntilReady(HttpClient.newHttpClient(), demo.baseUrl(), demo.videoId());
        stopped.await();
        return 0;
    }

    /** Starts the origin and, when its catalog is empty, generates and uploads the sample. */
    public Running start() throws Exception {
        OriginConfig config = OriginConfig.builder().host(host).port(port).dataDir(dataDir).routerUrl(routerPort == 0 ? null : "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + routerPort).build();
        OriginServer origin = OriginServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String base = "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + origin.port();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String local = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        RouterServer router = null;
        EdgeServer edge = null;
        try {
            router = RouterServer.start(RouterConfig.builder().host(host).port(routerPort)
                    .defaultLocation(DEMO_LOCATION).build()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            String routerBase = "http://" + local + ":" + router.port();
            // The edge tells the router where viewers reach it, so its port must be known before it starts.
            int chosenEdgePort = edgePort == 0 ? freePort() : edgePort;
            EdgeConfig edgeConfig = EdgeConfig.builder().host(host).port(chosenEdgePort).name("edge-demo")
                    .origin(base).cacheDir(dataDir.resolve("edge-cache")).cacheMax("1g")
                    .router(routerBase).publicUrl("http://" + local + ":" + chosenEdgePort).location(DEMO_LOCATION)
                    .build();
            edge = EdgeServer.start(edgeConfig).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            String edgeBase = "http://" + local + ":" + edge.port();
            String id = firstVideo(http, base);
            return new Running(origin, base, edge, edgeBase, router, routerBase,
                    id != null ? id : ingestSample(http, base));
        } catch (Exception e) {
            if (edge != null) {
                edge.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (router != null) {
                router.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            origin.close();
            throw e;
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String firstVideo(HttpClient http, String base) throws IOException, InterruptedException {
        JsonArray videos = new JsonObject(get(http, base + "/api/videos")).getJsonArray("videos");
        return videos.isEmpty() ? null : videos.getJsonObject(0).getString("id");
    }

    private String ingestSample(HttpClient http, String base) throws IOException, InterruptedException, MediaException {
        Path sample = dataDir.resolve("sample-" + sampleSeconds + "s.mp4");
        if (!Files.exists(sample)) {
            System.out.println("Generating a " + sampleSeconds + " s sample video (test pattern + tone) ...");
            Files.createDirectories(dataDir);
            SampleVideo.write(sample, sampleSeconds);
        }
        HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/api/videos?title=Sample%20test%20pattern"))
                .header("Content-Type", "video/mp4")
                .POST(HttpRequest.BodyPublishers.ofFile(sample))
                .build();
        HttpResponse<String> response = http.send(upload, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IOException("the origin refused the sample (" + response.statusCode() + "): " + response.body());
        }
        return new JsonObject(response.body()).getString("id");
    }

    private static void printUrls(String base, String edge, String router, String id) {
        String video = base + "/videos/" + id;
        System.out.println();
        System.out.println("streamcdn demo is running. Open:");
        System.out.println("  catalog      " + base + "/api/videos");
        System.out.println("  video        " + base + "/api/videos/" + id);
        System.out.println("  DASH         " + video + "/manifest.mpd");
        System.out.println("  HLS          " + video + "/master.m3u8");
        System.out.println("  poster       " + video + "/poster.jpg");
        System.out.println("  via the edge " + edge + "/videos/" + id + "/manifest.mpd   (X-Cache tells HIT or MISS)");
        System.out.println("  via router   " + router + "/videos/" + id + "/manifest.mpd   (302 to the edge; "
                + router + "/api/edges lists the edges)");
        System.out.println("  metrics      " + base + "/metrics");
        System.out.println("  health       " + base + "/health   edge: " + edge + "/health");
        System.out.println("Upload your own:  curl -H 'Content-Type: video/mp4' --data-binary @movie.mp4 '"
                + base + "/api/videos?title=My%20movie'");
        System.out.println("Press Ctrl-C to stop.");
        System.out.println();
    }

    static void waitUntilReady(HttpClient http, String base, String id) throws IOException, InterruptedException {
        String last = "";
        while (true) {
            JsonObject video = new JsonObject(get(http, base + "/api/videos/" + id));
            String state = video.getString("state");
            if (!state.equals(last)) {
                System.out.println("sample video " + id + ": " + state
                        + ("failed".equals(state) ? " (" + video.getString("error") + ")" : ""));
                last = state;
            }
            if ("ready".equals(state) || "failed".equals(state)) {
                if ("ready".equals(state)) {
                    System.out.println("ready to play: " + base + "/videos/" + id + "/manifest.mpd");
                }
                return;
            }
            Thread.sleep(500);
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
