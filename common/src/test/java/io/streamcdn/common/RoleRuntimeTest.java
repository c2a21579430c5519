package io.streamcdn.common;

import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RoleRuntimeTest {

    /** The demo and the tests run several roles in one JVM; each role's /metrics must describe that role only. */
    @Test
    void rolesInOneJvmCountTheirHttpRequestsInTheirOwnRegistries() throws Exception {
        try (RoleRuntime first = new RoleRuntime("origin");
             RoleRuntime quiet = new RoleRuntime("router", false);
             RoleRuntime second = new RoleRuntime("edge")) {
            HttpServer server = second.vertx().createHttpServer()
                    .requestHandler(request -> request.response().setStatusCode(204).end())
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(answer.statusCode()).isEqualTo(204);

            assertThat(second.registry().scrape()).contains("vertx_http_server_requests_total{code=\"204\"");
            assertThat(first.registry().scrape()).doesNotContain("vertx_http_server_requests_total");
            assertThat(quiet.registry().scrape()).doesNotContain("vertx_http_server_requests_total");
        }
    }
}
