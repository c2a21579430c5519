package io.streamcdn.router.registry;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.common.EdgeNameSyntax;
import io.streamcdn.router.routing.Edge;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the edges' heartbeat body (Jazzer), read the way the router's API reads it: the bytes become a JSON
 * object (or the API answers 400 {@code bad_json}), then {@link EdgeDescription#heartbeat} accepts it or throws the
 * one refusal the API turns into 400 {@code bad_heartbeat}, an {@link IllegalArgumentException}. Any other exception
 * would be a 500; an accepted heartbeat must describe an edge the health checker and the routing can use.
 */
class HeartbeatFuzzTest {

    @FuzzTest
    @DictionaryEntries({"{\"contract\":1,\"name\":\"edge-x1\",\"url\":\"http://127.0.0.1:8081\"}", "\"location\":",
            "{\"lat\":51.5,\"lon\":-0.1}", "\"capacity\":", "\"connections\":", "\"bitsPerSecond\":", "\"load\":",
            "\"ratio\":", "\"addresses\":[\"127.0.0.1\"]", "\"zone\":\"eu\"", "1e999", "99999999999999999999", ":65536",
            "https://", "[::1]"})
    void aHeartbeatIsRefusedWithAReasonOrDescribesAUsableEdge(byte[] body) {
        JsonObject json;
        try {
            json = Buffer.buffer(body).toJsonObject();
        } catch (DecodeException | ClassCastException notAnObject) {
            return; // 400 bad_json
        }
        if (json == null) {
            return; // 400: no body
        }
        EdgeDescription.Heartbeat beat;
        try {
            beat = EdgeDescription.heartbeat("edge-x1", json);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        Edge edge = beat.edge();
        assertThat(edge.name()).isEqualTo("edge-x1").matches(EdgeNameSyntax::isValid);
        assertThat(edge.url().getScheme()).isIn("http", "https");
        assertThat(edge.url().getHost()).isNotBlank();
        assertThat(edge.url().getPort()).matches(port -> port == -1 || (port >= 1 && port <= 65_535), "a port");
        assertThat(edge.capacityConnections()).isPositive();
        assertThat(edge.capacityBitsPerSecond()).isPositive();
        assertThat(beat.load()).isNotNegative().isFinite();
        assertThat(beat.connections()).isNotNegative();
        assertThat(beat.bitsPerSecond()).isNotNegative();
        edge.location().ifPresent(p -> {
            assertThat(p.latitude()).isBetween(-90.0, 90.0);
            assertThat(p.longitude()).isBetween(-180.0, 180.0);
        });
    }
}
