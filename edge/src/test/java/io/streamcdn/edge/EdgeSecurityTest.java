package io.streamcdn.edge;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.TrialCertificate;
import io.streamcdn.common.testing.CapturedLog;
import io.streamcdn.common.testing.Https;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's one write, the cache purge, behind the admin token; and the edge over HTTPS from PEM files. Real
 * edges on real ports; every line logged meanwhile is captured and must not hold the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeSecurityTest {

    private static final String TOKEN = "edge-admin-5c3e1a9f7d2b4e6a";
    private static final String WRONG = "edge-admin-5c3e1a9f7d2b4e6b";
    private static final String PURGE = "/api/cache/videos/abcdefabcdef";

    @TempDir
    static Path dir;
    private CapturedLog log;
    private EdgeServer guarded;
    private EdgeServer open;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        log = new CapturedLog();
        guarded = start("127.0.0.1", "guarded", b -> b.adminToken(Optional.of(AdminToken.of(TOKEN, "test"))));
        open = start("0.0.0.0", "open", b -> b);
    }

    private static EdgeServer start(String host, String name, UnaryOperator<EdgeConfig.Builder> customize)
            throws Exception {
        // The origin is never asked: purges and /health need no upstream.
        EdgeConfig config = customize.apply(EdgeConfig.builder().host(host).port(0).name("edge-" + name)
                .cacheDir(dir.resolve(name)).origin("http://127.0.0.1:9").prefetch(0)).build();
        return EdgeServer.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            guarded.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            open.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            log.close();
        }
        assertThat(log.lines()).as("the edge's log").isNotEmpty()
                .noneMatch(line -> line.contains(TOKEN) || line.contains(WRONG));
    }

    @Test
    void aPurgeNeedsTheAdminToken() throws Exception {
        String url = "http://127.0.0.1:" + guarded.port() + PURGE;

        HttpResponse<String> missing = delete(url, null);
        HttpResponse<String> wrong = delete(url, "Bearer " + WRONG);
        HttpResponse<String> right = delete(url, "Bearer " + TOKEN);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(new JsonObject(missing.body()).getString("reason")).contains("Authorization: Bearer");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(wrong.body()).getString("error")).isEqualTo("forbidden");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(right.body()).getString("video")).isEqualTo("abcdefabcdef");
        assertThat(delete("http://127.0.0.1:" + guarded.port() + "/health", null).statusCode())
                .as("a DELETE elsewhere is no purge").isNotEqualTo(401);
    }

    @Test
    void withoutATokenThisMachineMayPurgeAndTheEdgeWarnsThatOnlyItMay() throws Exception {
        // Other machines' refusal is AdminGuard's decision, tested there: tests reach servers on 127.0.0.1 only.
        HttpResponse<String> fromHere = delete("http://127.0.0.1:" + open.port() + PURGE, null);

        assertThat(fromHere.statusCode()).isEqualTo(200);
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("no admin token configured"));
    }

    @Test
    void servesHttpsWithHttp2ByAlpnFromPemFiles() throws Exception {
        TrialCertificate made = TrialCertificate.create(List.of());
        Path cert = Files.writeString(dir.resolve("cert.pem"), made.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), made.keyPem());
        EdgeServer https = start("127.0.0.1", "https", b -> b.tls(cert, key));
        try {
            Https.Answer health = Https.get("https://127.0.0.1:" + https.port() + "/health", made.certificatePem());

            assertThat(health.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(health.status()).isEqualTo(200);
        } finally {
            https.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSelfSignedEdgeNeedsNoFilesAndBadOnesAreOneLine() {
        EdgeCommand command = new EdgeCommand();
        command.environment = Map.of("STREAMCDN_ADMIN_TOKEN", TOKEN);
        RoleCommand.commandLine("edge", command, Map.of()).parseArgs("--name", "e1", "--tls-self-signed");
        EdgeConfig config = command.config();
        assertThat(config.tls()).hasValueSatisfying(tls -> assertThat(tls.describe()).isEqualTo("self-signed"));
        assertThat(config.describe()).contains("admin-token=STREAMCDN_ADMIN_TOKEN").doesNotContain(TOKEN);

        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), Map.of());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--name", "e1", "--tls-cert", dir.resolve("none.pem").toString(), "--tls-key",
                dir.resolve("none.key").toString())).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString().lines()).singleElement().asString()
                .isEqualTo("streamcdn edge: --tls-cert " + dir.resolve("none.pem") + " cannot be read");
    }

    private HttpResponse<String> delete(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).DELETE().timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
