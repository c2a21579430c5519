package io.streamcdn.origin;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.testing.CapturedLog;
import io.streamcdn.common.testing.Https;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.testing.TestOrigin;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin's writes (upload, delete) behind the admin token, and the origin over HTTPS: real servers, a real
 * clip, a real client. Every line the origin logs meanwhile is captured, and the token must be in none of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginSecurityTest {

    private static final String TOKEN = "origin-admin-7b1d9e2f4a6c8e0b";
    private static final String WRONG = "origin-admin-7b1d9e2f4a6c8e0c";

    @TempDir
    static Path dir;
    private CapturedLog log;
    private OriginServer guarded;
    private OriginServer open;
    private byte[] clip;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        log = new CapturedLog();
        clip = Files.readAllBytes(TestMedia.clip360p());
        guarded = start("127.0.0.1", "guarded", b -> b.adminToken(Optional.of(AdminToken.of(TOKEN, "test"))));
        open = start("0.0.0.0", "open", b -> b);
    }

    private OriginServer start(String host, String name, UnaryOperator<OriginConfig.Builder> customize) throws Exception {
        OriginConfig config = customize.apply(OriginConfig.builder().host(host).port(0).dataDir(dir.resolve(name))
                .encoderSettings(TestOrigin.SETTINGS)).build();
        return OriginServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            guarded.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            open.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            log.close();
        }
        assertThat(log.lines()).as("the origin's log").isNotEmpty()
                .noneMatch(line -> line.contains(TOKEN) || line.contains(WRONG));
    }

    @Test
    void uploadAndDeleteNeedTheAdminToken() throws Exception {
        String base = "http://127.0.0.1:" + guarded.port();

        HttpResponse<String> missing = send(upload(base), null);
        HttpResponse<String> wrong = send(upload(base), "Bearer " + WRONG);
        HttpResponse<String> right = send(upload(base), "Bearer " + TOKEN);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(new JsonObject(missing.body()).getString("reason")).contains("Authorization: Bearer");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(wrong.body()).getString("error")).isEqualTo("forbidden");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(202);
        String id = new JsonObject(right.body()).getString("id");
        try (var uploads = Files.list(dir.resolve("guarded/uploads"))) {
            assertThat(uploads).as("nothing kept of the refused uploads").isEmpty();
        }

        HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(base + "/api/videos/" + id)).DELETE();
        assertThat(send(delete, null).statusCode()).isEqualTo(401);
        assertThat(send(delete, "Bearer " + WRONG).statusCode()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/videos/" + id)).GET(), null).statusCode())
                .as("still there after refused deletes").isEqualTo(200);
        assertThat(send(delete, "Bearer " + TOKEN).statusCode()).isEqualTo(204);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/videos/" + id)).GET(), null).statusCode())
                .isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/videos")).GET(), null).statusCode())
                .as("reads need no token").isEqualTo(200);
    }

    @Test
    void withoutATokenThisMachineMayUpload() throws Exception {
        // Other machines' refusal is AdminGuard's decision, tested there: tests reach servers on 127.0.0.1 only.
        String local = "http://127.0.0.1:" + open.port();

        HttpResponse<String> localUpload = send(HttpRequest.newBuilder(URI.create(local + "/api/videos"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString("not a video, but from this machine")), null);

        assertThat(localUpload.statusCode()).as("past the guard, refused by the probe").isEqualTo(415);
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("origin: no admin token configured"));
    }

    @Test
    void servesHttpsWithHttp2ByAlpn() throws Exception {
        OriginServer https = start("127.0.0.1", "https", b -> b.tlsSelfSigned(true));
        try {
            Https.Answer health = Https.get("https://localhost:" + https.port() + "/health",
                    https.config().tls().orElseThrow().certificatePem());

            assertThat(health.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(health.status()).isEqualTo(200);
            assertThat(https.config().describe()).contains("tls=self-signed");
            assertThat(log.lines()).anyMatch(line -> line.contains("SHA-256 fingerprint "
                    + https.config().tls().orElseThrow().sha256Fingerprint()));
        } finally {
            https.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void badTlsPathsAndTokenFilesExitWith2AndOneLineNamingTheFlag() {
        for (String[] args : new String[][] {
                {"--tls-cert", dir.resolve("no-cert.pem").toString(), "--tls-key", dir.resolve("no-key.pem").toString()},
                {"--tls-cert", dir.resolve("no-cert.pem").toString()},
                {"--admin-token-file", dir.resolve("no-token").toString()}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), Map.of());
            cli.setErr(new PrintWriter(err, true));

            assertThat(cli.execute(args)).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
            assertThat(err.toString().lines()).singleElement().asString().startsWith("streamcdn origin: ")
                    .contains(args[0].equals("--admin-token-file") ? "--admin-token-file" : "--tls-");
        }
    }

    @Test
    void theTokenComesFromTheEnvironmentAndIsNotDescribed() {
        OriginCommand command = new OriginCommand();
        command.environment = Map.of("STREAMCDN_ADMIN_TOKEN", TOKEN);
        RoleCommand.commandLine("origin", command, Map.of()).parseArgs();
        OriginConfig config = command.config();

        assertThat(config.adminToken()).hasValueSatisfying(token -> assertThat(token.matches(TOKEN)).isTrue());
        assertThat(config.describe()).contains("admin-token=STREAMCDN_ADMIN_TOKEN").doesNotContain(TOKEN);
        assertThat(config.toString()).doesNotContain(TOKEN);
    }

    private HttpRequest.Builder upload(String base) {
        return HttpRequest.newBuilder(URI.create(base + "/api/videos?title=guarded")).header("Content-Type", "video/mp4")
                .POST(HttpRequest.BodyPublishers.ofByteArray(clip));
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String authorization) throws Exception {
        HttpRequest.Builder copy = request.copy().timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            copy.header("Authorization", authorization);
        }
        return http.send(copy.build(), HttpResponse.BodyHandlers.ofString());
    }
}
