package io.streamcdn.router;

import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's one JSON endpoint that takes a body, the edges' heartbeat: whatever arrives in place of a heartbeat
 * is answered 400 (413 when too large) with a JSON error and reason, registers nothing, and leaves the router
 * serving the next good heartbeat.
 */
class MalformedHeartbeatsAreRefusedTest {

    private static final String GOOD = "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}";
    private static TestRouter router;

    @BeforeAll
    static void start() throws Exception {
        router = TestRouter.start(b -> b);
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
    }

    @AfterEach
    void theRouterStillServes() throws Exception {
        assertThat(router.get("/health").statusCode()).isEqualTo(200);
        // So that one case that wrongly registered the edge does not fail the ones after it.
        router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/edge-x1")).DELETE());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "", " ", "{nope", "{\"contract\":1,", "}", "[]", "[1,2]", "null", "42", "\"a string\"", "true",
            "{\"contract\":1}{\"contract\":1}", "{'contract':1}", "{\"contract\":1,\"name\":\"edge-x1\",}",
            "{\"contract\":\"1\",\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":2,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":1,\"name\":7,\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":1,\"name\":\"edge-x1\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":[\"http://127.0.0.1:1\"]}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:99999\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1/%zz\"}",
            "{\"contract\":1,\"name\":\"../edge\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"location\":\"the moon\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"location\":{\"lat\":91,\"lon\":0}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"location\":{\"lat\":\"n\",\"lon\":0}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"location\":{\"lat\":1e999,\"lon\":0}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"location\":[1,2]}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"zone\":\"\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"zone\":{}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"addresses\":\"127.0.0.1\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"addresses\":[\"not-an-ip\"]}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"addresses\":[null]}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"capacity\":{\"connections\":-5}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"capacity\":{\"connections\":\"many\"}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"capacity\":{\"bitsPerSecond\":1e999}}",
            "{\"contract\":1e999,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":4294967297,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":1.5,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:0\"}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"capacity\":{\"connections\":99999999999999999999}}",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\"",
            "\u0000\u0001\u0002",
            "{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:1\",\"url\":\"ftp://x\"}",
    })
    void aBodyThatIsNotAHeartbeatIs400WithAReason(String body) throws Exception {
        HttpResponse<String> response = post("edge-x1", body.getBytes(StandardCharsets.UTF_8));

        assertRefused(response, 400);
    }

    @Test
    void bytesThatAreNotUtf8Are400WithAReason() throws Exception {
        byte[] body = {'{', '"', 'n', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};

        assertRefused(post("edge-x1", body), 400);
    }

    @Test
    void nestingDeeperThanAnyHeartbeatIs400WithAReason() throws Exception {
        String deep = "[".repeat(5_000) + "]".repeat(5_000);

        assertRefused(post("edge-x1", deep.getBytes(StandardCharsets.UTF_8)), 400);
    }

    @Test
    void aBodyOverTheLimitIs413WithAReason() throws Exception {
        String padded = GOOD.replace("}", ",\"pad\":\"" + "x".repeat((int) RouterServer.MAX_HEARTBEAT_BYTES) + "\"}");

        HttpResponse<String> response = post("edge-x1", padded.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void aGoodHeartbeatAfterAllTheBadOnesIsRegistered() throws Exception {
        post("edge-x1", "{nope".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = post("edge-x1", GOOD.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isBetween(200, 204);
        assertThat(router.edges()).hasSize(1);
    }

    private static void assertRefused(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(router.edges()).as("registered nothing").isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isNotBlank();
        assertThat(error.getString("reason")).isNotBlank();
    }

    private static HttpResponse<String> post(String name, byte[] body) throws Exception {
        return router.send(HttpRequest.newBuilder(URI.create(router.url() + "/api/edges/" + name + "/heartbeat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }
}
