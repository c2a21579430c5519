package io.streamcdn.router.registry;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading an edge's description: what is kept, and what is refused with a reason. */
class EdgeDescriptionTest {

    // Found by HeartbeatFuzzTest: the scheme was kept as written, and HTTP clients compare it case-sensitively.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTPS://edge1.example:8443", "httpS://edge1.example:8443/", "Https://edge1.example:8443"})
    void aSchemeWrittenInCapitalsIsKeptInLowerCase(String url) {
        JsonObject json = new JsonObject().put("name", "edge-x1").put("url", url);

        assertThat(EdgeDescription.parse(json).url().toString()).isEqualTo("https://edge1.example:8443");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:99999", "ftp://x",
            "http://", "http://x/?q=1"})
    void aUrlNoClientCanReachIsRefusedWithAReason(String url) {
        JsonObject json = new JsonObject().put("name", "edge-x1").put("url", url);

        assertThatThrownBy(() -> EdgeDescription.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an absolute http(s) URL");
    }

    @Test
    void aContractThatIsOnlyOneWhenTruncatedIsRefused() {
        for (Object contract : new Object[] {4_294_967_297L, 1.5}) {
            JsonObject json = new JsonObject().put("contract", contract).put("name", "edge-x1")
                    .put("url", "http://127.0.0.1:1");

            assertThatThrownBy(() -> EdgeDescription.heartbeat("edge-x1", json))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contract must be 1");
        }
    }
}
