package io.streamcdn.common.security;

import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.JsonErrors;
import io.streamcdn.common.testing.CapturedLog;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may write: the decision as a pure function of the configured token, the Authorization header and the
 * peer, and then as clients meet it on a real server listening on all interfaces (a client reaching it through
 * this machine's own non-loopback address is, to the server, on another machine).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminGuardTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Optional<AdminToken> CONFIGURED = Optional.of(AdminToken.of(TOKEN, "test"));

    private Vertx vertx;
    private HttpServer open;
    private HttpServer guarded;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        open = listen(Optional.empty());
        guarded = listen(CONFIGURED);
    }

    private HttpServer listen(Optional<AdminToken> token) throws Exception {
        Router router = Router.router(vertx);
        router.delete("/things/:id").handler(new AdminGuard("test role", token))
                .handler(ctx -> ctx.response().setStatusCode(204).end());
        new JsonErrors("test role", failure -> Optional.empty(), "-").mount(router);
        return vertx.createHttpServer().requestHandler(router).listen(0, "0.0.0.0")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void withoutATokenOnlyLoopbackPeersMayWrite() throws Exception {
        assertThat(AdminGuard.judge(Optional.empty(), null, InetAddress.getByName("127.0.0.1")))
                .isEqualTo(AdminGuard.Verdict.ALLOWED);
        assertThat(AdminGuard.judge(Optional.empty(), null, InetAddress.getByName("::1")))
                .isEqualTo(AdminGuard.Verdict.ALLOWED);
        assertThat(AdminGuard.judge(Optional.empty(), "Bearer " + TOKEN, InetAddress.getByName("192.0.2.10")))
                .isEqualTo(AdminGuard.Verdict.NOT_LOOPBACK);
        assertThat(AdminGuard.judge(Optional.empty(), null, InetAddress.getByName("10.0.0.1")))
                .isEqualTo(AdminGuard.Verdict.NOT_LOOPBACK);
        assertThat(AdminGuard.judge(Optional.empty(), null, null)).isEqualTo(AdminGuard.Verdict.NOT_LOOPBACK);
    }

    @Test
    void withATokenEveryPeerNeedsIt() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress remote = InetAddress.getByName("192.0.2.10");

        assertThat(AdminGuard.judge(CONFIGURED, null, loopback)).isEqualTo(AdminGuard.Verdict.MISSING_TOKEN);
        assertThat(AdminGuard.judge(CONFIGURED, "  ", remote)).isEqualTo(AdminGuard.Verdict.MISSING_TOKEN);
        assertThat(AdminGuard.judge(CONFIGURED, "Basic " + TOKEN, remote)).isEqualTo(AdminGuard.Verdict.NOT_BEARER);
        assertThat(AdminGuard.judge(CONFIGURED, TOKEN, remote)).isEqualTo(AdminGuard.Verdict.NOT_BEARER);
        assertThat(AdminGuard.judge(CONFIGURED, "Bearer nope", loopback)).isEqualTo(AdminGuard.Verdict.WRONG_TOKEN);
        assertThat(AdminGuard.judge(CONFIGURED, "Bearer " + TOKEN, remote)).isEqualTo(AdminGuard.Verdict.ALLOWED);
        assertThat(AdminGuard.judge(CONFIGURED, "bearer  " + TOKEN, remote)).isEqualTo(AdminGuard.Verdict.ALLOWED);
    }

    @Test
    void aServerWithoutATokenAcceptsThisMachineAndTellsOthersHowToConfigureOne() throws Exception {
        // Tests reach servers on 127.0.0.1 only, so the refusal of another machine is proven on the decision
        // (judge, above) and on the answer it gets here.
        HttpResponse<String> local = delete("http://127.0.0.1:" + open.actualPort() + "/things/1", null);
        ApiError refusal = new AdminGuard("origin", Optional.empty()).refusal(AdminGuard.Verdict.NOT_LOOPBACK);

        assertThat(local.statusCode()).isEqualTo(204);
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.reason()).contains("no admin token configured", "STREAMCDN_ADMIN_TOKEN", "--admin-token-file",
                "Authorization: Bearer");
    }

    @Test
    void aServerWithATokenAnswers401WithAChallenge403ForAWrongOneAndPassesTheRightOne() throws Exception {
        String url = "http://127.0.0.1:" + guarded.actualPort() + "/things/1"; // a token binds this machine too
        try (CapturedLog log = new CapturedLog()) {
            HttpResponse<String> missing = delete(url, null);
            HttpResponse<String> basic = delete(url, "Basic " + TOKEN);
            HttpResponse<String> wrong = delete(url, "Bearer " + TOKEN.replace('0', '1'));
            HttpResponse<String> right = delete(url, "Bearer " + TOKEN);

            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("unauthorized");
            assertThat(new JsonObject(missing.body()).getString("reason")).contains("Authorization: Bearer");
            assertThat(basic.statusCode()).isEqualTo(401);
            assertThat(wrong.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(wrong.body()).getString("error")).isEqualTo("forbidden");
            assertThat(wrong.body()).doesNotContain(TOKEN);
            assertThat(right.statusCode()).isEqualTo(204);
            assertThat(log.lines()).anyMatch(line -> line.contains("refused DELETE /things/1 from 127.0.0.1"))
                    .noneMatch(line -> line.contains(TOKEN) || line.contains(TOKEN.replace('0', '1')));
        }
    }

    @Test
    void startUpSaysWhenWritesAreLimitedToThisMachine() {
        try (CapturedLog log = new CapturedLog()) {
            AdminGuard.announce("test role", Optional.empty(), "deletes");
            AdminGuard.announce("test role", CONFIGURED, "deletes");

            assertThat(log.lines()).filteredOn(line -> line.startsWith("WARN")).singleElement().asString()
                    .contains("no admin token configured", "STREAMCDN_ADMIN_TOKEN", "loopback");
            assertThat(log.lines()).noneMatch(line -> line.contains(TOKEN));
        }
    }

    private HttpResponse<String> delete(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).DELETE().timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
