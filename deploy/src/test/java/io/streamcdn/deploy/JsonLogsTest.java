package io.streamcdn.deploy;

import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.router.RouterServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each role started as an operator starts it (its {@code main}, in a JVM of its own) with {@code --log-format json}
 * writes nothing but JSON objects on standard output, one per line, from its first line on; its access-log lines
 * carry the request as fields.
 */
class JsonLogsTest {

    private static final String ACCESS_LOG = "io.streamcdn.common.http.AccessLog";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @ParameterizedTest
    @ValueSource(strings = {"origin", "edge", "router"})
    void aRoleStartedWithJsonLogsWritesOneJsonObjectPerLineWithTheAccessLogFields(String role, @TempDir Path dir)
            throws Exception {
        try (Role running = Role.start(role, dir, List.of("--log-format", "json"), Map.of())) {
            assertThat(get(running.url("/health")).statusCode()).isEqualTo(200);
            List<JsonObject> lines = running.awaitJsonLine(accessLogOf("/health"));

            JsonObject access = lines.stream().filter(accessLogOf("/health")).findFirst().orElseThrow();
            Map<String, String> fields = fields(access);
            assertThat(access.getString("level")).isEqualTo("INFO");
            assertThat(access.getLong("timestamp")).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
            assertThat(access.getString("threadName")).startsWith("vert.x-eventloop-thread-");
            assertThat(access.getString("formattedMessage")).startsWith("GET /health 200 ");
            assertThat(fields).containsEntry("method", "GET").containsEntry("path", "/health")
                    .containsEntry("status", "200").containsEntry("client", "127.0.0.1")
                    .containsEntry("protocol", "HTTP/1.1").containsKeys("bytes", "ms");
            assertThat(Long.parseLong(fields.get("bytes"))).isPositive();
            assertThat(Long.parseLong(fields.get("ms"))).isNotNegative();
            // The configuration line is the role's first; it is JSON too, so the format applied before it.
            assertThat(lines.get(0).getString("formattedMessage")).startsWith("starting " + role).contains("log-format=json");
        }
    }

    @Test
    void theEnvironmentVariableSelectsJsonAndABadValueStopsTheRoleNamingTheFlag(@TempDir Path dir) throws Exception {
        try (Role running = Role.start("router", dir, List.of(), Map.of("STREAMCDN_ROUTER_LOG_FORMAT", "json"))) {
            assertThat(get(running.url("/videos/abcdef123456/manifest.mpd")).statusCode()).isEqualTo(503);
            List<JsonObject> lines = running.awaitJsonLine(accessLogOf("/videos/abcdef123456/manifest.mpd"));
            assertThat(lines.stream().filter(accessLogOf("/videos/abcdef123456/manifest.mpd")).map(JsonLogsTest::fields))
                    .singleElement().satisfies(f -> assertThat(f).containsEntry("status", "503"));
        }
        Role.Exit refused = Role.runToExit("router", dir, List.of("--log-format", "xml"));
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.output()).contains("--log-format 'xml' is not a log format; use text or json");
    }

    @Test
    void withoutTheFlagTheLogStaysText(@TempDir Path dir) throws Exception {
        try (Role running = Role.start("router", dir, List.of(), Map.of())) {
            assertThat(get(running.url("/health")).statusCode()).isEqualTo(200);
            String line = running.awaitLine(l -> l.contains("AccessLog - GET /health 200 "));
            assertThat(line).doesNotStartWith("{").matches("\\d{4}-\\d\\d-\\d\\dT.*");
        }
    }

    private static Predicate<JsonObject> accessLogOf(String path) {
        return line -> ACCESS_LOG.equals(line.getString("loggerName")) && path.equals(fields(line).get("path"));
    }

    /** logback's JsonEncoder writes key-value pairs as {@code "kvpList": [{"key": "value"}, ...]}. */
    private static Map<String, String> fields(JsonObject line) {
        Map<String, String> fields = new HashMap<>();
        for (Object pair : line.getJsonArray("kvpList", new JsonArray())) {
            ((JsonObject) pair).forEach(e -> fields.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return fields;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A role's {@code main} in a child JVM on 127.0.0.1 and a free port, its standard output read line by line. */
    private static final class Role implements AutoCloseable {

        private static final Map<String, Class<?>> MAINS = Map.of(
                "origin", OriginServer.class, "edge", EdgeServer.class, "router", RouterServer.class);

        record Exit(int status, String output) {
        }

        private final Process process;
        private final int port;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

        private Role(Process process, int port) {
            this.process = process;
            this.port = port;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException ended) {
                    // the process is gone
                }
            }, "role-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Role start(String role, Path dir, List<String> flags, Map<String, String> environment) throws Exception {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder(command(role, dir, port, flags));
            builder.redirectError(dir.resolve(role + ".stderr").toFile());
            builder.environment().putAll(environment);
            Role started = new Role(builder.start(), port);
            started.awaitListening();
            return started;
        }

        static Exit runToExit(String role, Path dir, List<String> flags) throws Exception {
            Process process = new ProcessBuilder(command(role, dir, 0, flags)).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return new Exit(process.exitValue(), output);
        }

        private static List<String> command(String role, Path dir, int port, List<String> flags) {
            // The test classpath holds the role jars, whose manifests add their lib/ folders: logback then finds its
            // logback.xml several times and prints its own status report, which a role started with `java -jar`
            // never sees. The report is silenced; the role's log is not touched.
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                    "-cp", System.getProperty("java.class.path"), MAINS.get(role).getName(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port)));
            switch (role) {
                case "origin" -> command.addAll(List.of("--data-dir", dir.resolve("origin-data").toString()));
                case "edge" -> command.addAll(List.of("--cache-dir", dir.resolve("edge-cache").toString(), "--name", "edge-log"));
                default -> { }
            }
            command.addAll(flags);
            return command;
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }

        private void awaitListening() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("the role exited with status " + process.exitValue() + ": " + lines);
                }
                try {
                    http.send(HttpRequest.newBuilder(URI.create(url("/metrics"))).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return;
                } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the role did not listen within 60 s: " + lines);
                    }
                    Thread.sleep(100);
                }
            }
        }

        /** Waits (30 s at most) for a line matching {@code wanted}; every line so far must be a JSON object. */
        List<JsonObject> awaitJsonLine(Predicate<JsonObject> wanted) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                List<JsonObject> parsed = new ArrayList<>();
                for (String line : lines) {
                    try {
                        parsed.add(new JsonObject(line));
                    } catch (DecodeException | ClassCastException e) {
                        throw new AssertionError("not a JSON object: " + line + "\nthe whole output:\n"
                                + String.join("\n", lines), e);
                    }
                }
                if (parsed.stream().anyMatch(wanted)) {
                    return parsed;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no such JSON line within 30 s: " + lines);
                }
                Thread.sleep(50);
            }
        }

        String awaitLine(Predicate<String> wanted) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                for (String line : lines) {
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no such line within 30 s: " + lines);
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
