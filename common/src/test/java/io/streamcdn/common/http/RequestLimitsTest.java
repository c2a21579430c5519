package io.streamcdn.common.http;

import io.streamcdn.common.RoleRuntime;
import io.streamcdn.common.testing.OversizedRequests;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared request limits on a real Vert.x server: what is just within them is served, what is one byte
 * over is refused with 414 or 431 and a JSON reason, a request that is not HTTP gets 400, and each refusal
 * closes its connection while the server goes on serving others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestLimitsTest {

    private RoleRuntime runtime;
    private int port;

    @BeforeAll
    void start() throws Exception {
        runtime = new RoleRuntime("edge", false);
        HttpServer server = runtime.vertx()
                .createHttpServer(RequestLimits.applyTo(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
                .invalidRequestHandler(RequestLimits.refusals("edge"))
                .requestHandler(request -> request.response().end("served " + request.uri().length()))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    @Test
    void theLimitsAreSetExplicitlyOnTheOptions() {
        HttpServerOptions options = RequestLimits.applyTo(new HttpServerOptions());

        assertThat(options.getMaxInitialLineLength()).isEqualTo(4096);
        assertThat(options.getMaxHeaderSize()).isEqualTo(8192);
        assertThat(options.getMaxFormAttributeSize()).isEqualTo(8192);
        assertThat(options.getInitialSettings().getMaxHeaderListSize()).isEqualTo(8192);
    }

    @Test
    void aUrlOverTheRequestLineLimitIs414AndOneJustWithinIsServed() throws Exception {
        String within = "/?pad=" + "a".repeat(RequestLimits.MAX_REQUEST_LINE_BYTES - "GET /?pad= HTTP/1.1".length());
        OversizedRequests.Answer served = OversizedRequests.exchange(port,
                "GET " + within + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(served.status()).as(served.head()).isEqualTo(200);

        OversizedRequests.Answer refused = OversizedRequests.uriOverTheLimit(port, "/");

        OversizedRequests.assertRefused(refused, 414, "uri_too_long");
        assertThat(refused.body().getString("reason")).contains("4096 bytes this edge accepts");
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        OversizedRequests.Answer refused = OversizedRequests.headersOverTheLimit(port, "/");

        OversizedRequests.assertRefused(refused, 431, "headers_too_large");
        assertThat(refused.body().getString("reason")).contains("8192 bytes this edge accepts");
    }

    @Test
    void aRequestThatIsNotHttpIs400AndTheServerKeepsServing() throws Exception {
        OversizedRequests.Answer refused = OversizedRequests.exchange(port, "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n"
                + "this is not a header\r\n\r\n");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().getString("error")).isEqualTo("bad_request");
        assertThat(refused.closed()).isTrue();
        OversizedRequests.Answer next = OversizedRequests.exchange(port,
                "GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(next.status()).isEqualTo(200);
    }
}
