package io.streamcdn.router;

import io.streamcdn.common.EnvironmentDefaults;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.testing.CapturedLog;
import io.streamcdn.common.testing.Https;
import io.streamcdn.edge.EdgeCommand;
import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.OriginCommand;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's writes (an edge's registration, heartbeats and deregistration) behind the admin token, real edges
 * registering with it by token, and the router over HTTPS. Every line logged meanwhile must not hold the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterSecurityTest {

    private static final String TOKEN = "router-admin-2e4f6a8c0b1d3f5a";
    private static final String WRONG = "router-admin-2e4f6a8c0b1d3f5b";
    private static final Optional<AdminToken> CONFIGURED = Optional.of(AdminToken.of(TOKEN, "test"));

    @TempDir
    static Path dir;
    private CapturedLog log;
    private TestRouter guarded;
    private TestRouter open;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        log = new CapturedLog();
        guarded = TestRouter.start(b -> b.adminToken(CONFIGURED));
        open = TestRouter.start(b -> b.host("0.0.0.0"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            guarded.close();
            open.close();
        } finally {
            log.close();
        }
        assertThat(log.lines()).as("the router's and edges' log").isNotEmpty()
                .noneMatch(line -> line.contains(TOKEN) || line.contains(WRONG));
    }

    @Test
    void heartbeatsAndDeregistrationNeedTheAdminToken() throws Exception {
        String base = "http://127.0.0.1:" + port(guarded);

        HttpResponse<String> missing = send(heartbeat(base, "edge-t1"), null);
        HttpResponse<String> wrong = send(heartbeat(base, "edge-t1"), "Bearer " + WRONG);
        assertThat(guarded.edges()).as("nothing registered by refused beats").isEmpty();
        HttpResponse<String> right = send(heartbeat(base, "edge-t1"), "Bearer " + TOKEN);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(new JsonObject(missing.body()).getString("reason")).contains("Authorization: Bearer");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(right.statusCode()).isEqualTo(204);
        assertThat(guarded.edges()).extracting(e -> ((JsonObject) e).getString("name")).containsExactly("edge-t1");

        HttpRequest.Builder leave = HttpRequest.newBuilder(URI.create(base + "/api/edges/edge-t1")).DELETE();
        assertThat(send(leave, null).statusCode()).isEqualTo(401);
        assertThat(send(leave, "Bearer " + WRONG).statusCode()).isEqualTo(403);
        assertThat(guarded.edges()).as("still registered after refused deregistrations").hasSize(1);
        assertThat(send(leave, "Bearer " + TOKEN).statusCode()).isEqualTo(204);
        assertThat(guarded.edges()).isEmpty();
        assertThat(guarded.get("/api/route?video=abcdefabcdef").statusCode()).as("viewers need no token")
                .isNotIn(401, 403);
    }

    @Test
    void withoutATokenThisMachineMayRegisterEdges() throws Exception {
        // Other machines' refusal is AdminGuard's decision, tested there: tests reach servers on 127.0.0.1 only.
        String local = "http://127.0.0.1:" + port(open);

        HttpResponse<String> fromHere = send(heartbeat(local, "edge-near"), null);

        assertThat(fromHere.statusCode()).isEqualTo(204);
        assertThat(open.edges()).extracting(e -> ((JsonObject) e).getString("name")).containsExactly("edge-near");
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("router: no admin token configured"));
    }

    @Test
    void anEdgeWithTheTokenRegistersAndLeavesAndOneWithoutIsRefused() throws Exception {
        EdgeServer withToken = edge("edge-with", CONFIGURED);
        EdgeServer without = edge("edge-without", Optional.empty());
        try {
            guarded.await(edges -> !edges.isEmpty(), "edge-with to register");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (log.lines().stream().noneMatch(line -> line.contains("refused the heartbeat"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(log.lines()).anyMatch(line -> line.contains("Router " + guarded.url())
                    && line.contains("refused the heartbeat") && line.contains("Authorization: Bearer"));
            assertThat(guarded.edges()).extracting(e -> ((JsonObject) e).getString("name")).containsExactly("edge-with");
        } finally {
            withToken.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            without.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(guarded.edges()).as("deregistered with the token on close").isEmpty();
    }

    @Test
    void servesHttpsWithHttp2ByAlpn() throws Exception {
        try (TestRouter https = TestRouter.start(b -> b.tlsSelfSigned(true))) {
            String pem = https.server().config().tls().orElseThrow().certificatePem();

            Https.Answer health = Https.get("https://localhost:" + port(https) + "/health", pem);

            assertThat(health.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(health.status()).isEqualTo(200);
            assertThat(new JsonObject(health.body()).getString("role")).isEqualTo("router");
        }
    }

    @Test
    void everyRoleListsTheSecurityFlagsWithTheirVariablesAndRefusesBadTlsFilesInOneLine() {
        Map<String, Callable<Integer>> roles = Map.of("origin", new OriginCommand(), "edge", new EdgeCommand(),
                "router", new RouterCommand());
        roles.forEach((role, command) -> {
            StringWriter out = new StringWriter();
            CommandLine help = RoleCommand.commandLine(role, command, Map.of());
            help.setOut(new PrintWriter(out, true));
            assertThat(help.execute("--help")).isZero();
            for (String flag : List.of("--tls-cert", "--tls-key", "--tls-self-signed", "--admin-token-file")) {
                assertThat(out.toString()).as(role + " --help").contains(flag, EnvironmentDefaults.variableFor(role, flag));
            }
            assertThat(out.toString()).contains("STREAMCDN_ADMIN_TOKEN");
        });
        Map<String, Callable<Integer>> fresh = Map.of("origin", new OriginCommand(), "edge", new EdgeCommand(),
                "router", new RouterCommand());
        fresh.forEach((role, command) -> {
            StringWriter err = new StringWriter();
            CommandLine cli = RoleCommand.commandLine(role, command, Map.of());
            cli.setErr(new PrintWriter(err, true));
            Path key = dir.resolve(role + "-missing.key");
            assertThat(cli.execute("--tls-cert", TestRouter.GEOIP.toString(), "--tls-key", key.toString()))
                    .isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
            assertThat(err.toString().lines()).as(role).singleElement().asString()
                    .isEqualTo("streamcdn " + role + ": --tls-key " + key + " cannot be read");
        });
    }

    private EdgeServer edge(String name, Optional<AdminToken> token) throws Exception {
        EdgeConfig config = EdgeConfig.builder().host("127.0.0.1").port(0).name(name).cacheDir(dir.resolve(name))
                .origin("http://127.0.0.1:9").prefetch(0).router(guarded.url()).publicUrl("http://127.0.0.1:1")
                .adminToken(token).build();
        return EdgeServer.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static int port(TestRouter router) {
        return URI.create(router.url()).getPort();
    }

    private static HttpRequest.Builder heartbeat(String base, String name) {
        JsonObject body = new JsonObject().put("contract", 1).put("name", name).put("url", "http://127.0.0.1:1")
                .put("capacity", new JsonObject().put("connections", 1000).put("bitsPerSecond", 1_000_000_000L))
                .put("load", new JsonObject().put("connections", 5).put("bitsPerSecond", 1000).put("ratio", 0.1));
        return HttpRequest.newBuilder(URI.create(base + "/api/edges/" + name + "/heartbeat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String authorization) throws Exception {
        HttpRequest.Builder copy = request.copy().timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            copy.header("Authorization", authorization);
        }
        return http.send(copy.build(), HttpResponse.BodyHandlers.ofString());
    }
}
