package io.streamcdn.deploy;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus server ({@code /usr/bin/prometheus} from Debian's package) as a child process on
 * 127.0.0.1 and a free port, with its storage in a temporary folder, and its HTTP API.
 */
final class LocalPrometheus implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalPrometheus(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /** Starts Prometheus with {@code config} and waits (at most 30 s) until it is ready to serve queries. */
    static LocalPrometheus start(Path config, Path workDir) throws Exception {
        Tool prometheus = Tool.require("prometheus");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = workDir.resolve("prometheus.log");
        Process process = new ProcessBuilder(List.of(prometheus.path().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(workDir.resolve("tsdb")),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalPrometheus started = new LocalPrometheus(process, log, "http://127.0.0.1:" + port);
        started.awaitReady();
        return started;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with status " + process.exitValue() + ": " + logText());
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("prometheus was not ready within 30 s: " + logText());
            }
            Thread.sleep(100);
        }
    }

    /** {@code GET /api/v1/...}: the whole answer, whose {@code status} is {@code success} or {@code error}. */
    JsonObject api(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/" + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new JsonObject(response.body());
    }

    /** An instant query's answer. */
    JsonObject query(String promQl) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promQl, StandardCharsets.UTF_8));
    }

    /** An instant query's sample values; an answer other than {@code success} is an assertion failure. */
    List<Double> values(String promQl) throws IOException, InterruptedException {
        JsonObject answer = query(promQl);
        if (!"success".equals(answer.getString("status"))) {
            throw new AssertionError(promQl + " → " + answer.encode());
        }
        return answer.getJsonObject("data").getJsonArray("result").stream().map(JsonObject.class::cast)
                .map(sample -> Double.parseDouble(sample.getJsonArray("value").getString(1))).toList();
    }

    /** Every alerting rule Prometheus has loaded, with its state and active alerts. */
    List<JsonObject> alertingRules() throws IOException, InterruptedException {
        List<JsonObject> rules = new ArrayList<>();
        for (Object group : api("rules?type=alert").getJsonObject("data").getJsonArray("groups")) {
            ((JsonObject) group).getJsonArray("rules").stream().map(JsonObject.class::cast).forEach(rules::add);
        }
        return rules;
    }

    /** The alerting rule called {@code name}; none is an assertion failure. */
    JsonObject alertingRule(String name) throws IOException, InterruptedException {
        return alertingRules().stream().filter(r -> name.equals(r.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no alerting rule " + name));
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: Prometheus shuts down cleanly
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
