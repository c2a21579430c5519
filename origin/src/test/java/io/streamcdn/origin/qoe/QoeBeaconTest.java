package io.streamcdn.origin.qoe;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QoeBeaconTest {

    @Test
    void theContractsExampleParsesIntoOneEventOfEachType() {
        QoeBeacon beacon = QoeBeacon.parse(Buffer.buffer(Beacons.full("edge-ams").encode()));

        assertThat(beacon.session()).isEqualTo(Beacons.SESSION);
        assertThat(beacon.video()).isEqualTo(Beacons.VIDEO);
        assertThat(beacon.edge()).isEqualTo("edge-ams");
        assertThat(beacon.abr()).isEqualTo("ours");
        assertThat(beacon.events()).containsExactly(
                new QoeEvent.Startup(0.84), new QoeEvent.Rebuffer(1.2), new QoeEvent.Switch("360p", "720p"),
                new QoeEvent.Played("720p", 9.7), new QoeEvent.PlayerError(QoeEvent.PlayerError.Kind.SEGMENT));
    }

    @Test
    void aSwitchGoesUpOrDownByHeightNotByText() {
        assertThat(new QoeEvent.Switch("720p", "1080p").direction()).isEqualTo("up");
        assertThat(new QoeEvent.Switch("1080p", "720p").direction()).isEqualTo("down");
        assertThat(new QoeEvent.Switch("360p", "240p").direction()).isEqualTo("down");
    }

    @Test
    void fieldsTheContractDoesNotNameAreIgnoredAndTheEventListMayBeEmpty() {
        JsonObject json = Beacons.empty("origin").put("userAgent", "x").put("abr", "stock");
        json.getJsonArray("events").add(new JsonObject().put("type", "startup").put("seconds", 1).put("t", 123));

        QoeBeacon beacon = QoeBeacon.parse(Buffer.buffer(json.encode()));

        assertThat(beacon.abr()).isEqualTo("stock");
        assertThat(beacon.events()).containsExactly(new QoeEvent.Startup(1));
        assertThat(QoeBeacon.parse(Buffer.buffer(Beacons.empty("edge-1").encode())).events()).isEmpty();
    }

    @Test
    void aPlayedRungThatIsNoLabelIsKeptForTheMetricsToCallOther() {
        QoeBeacon beacon = QoeBeacon.parse(Buffer.buffer(Beacons.played("e", "hd-ready", 2).encode()));

        assertThat(beacon.events()).containsExactly(new QoeEvent.Played("hd-ready", 2));
        assertThat(Rungs.label("hd-ready")).isEqualTo("other");
        assertThat(Rungs.label("99p")).isEqualTo("other");
        assertThat(Rungs.label("2160p")).isEqualTo("2160p");
    }

    static Stream<Arguments> badBeacons() {
        return Stream.of(
                bad("not JSON", "{\"v\": 1, \"session\": ", "malformed_json"),
                bad("a JSON array", "[1, 2]", "malformed_json"),
                bad("JSON null", "null", "malformed_json"),
                bad("an empty body", "", "malformed_json"),
                bad("version 2", b -> b.put("v", 2), "invalid_beacon"),
                bad("the version as text", b -> b.put("v", "1"), "invalid_beacon"),
                bad("no session", b -> { b.remove("session"); return b; }, "invalid_beacon"),
                bad("a short session", b -> b.put("session", "abc"), "invalid_beacon"),
                bad("a session with a space", b -> b.put("session", "0123456789 abcdef"), "invalid_beacon"),
                bad("a video id that is not one", b -> b.put("video", "../../etc"), "invalid_beacon"),
                bad("an edge name with a newline", b -> b.put("edge", "edge\nFAKE LOG LINE"), "invalid_beacon"),
                bad("the edge as a number", b -> b.put("edge", 7), "invalid_beacon"),
                bad("an unknown abr", b -> b.put("abr", "bola"), "invalid_beacon"),
                bad("events as an object", b -> b.put("events", new JsonObject()), "invalid_beacon"),
                bad("an event that is a string", b -> events(b, "startup"), "invalid_beacon"),
                bad("an unknown event type", b -> events(b, new JsonObject().put("type", "seek")), "invalid_beacon"),
                bad("an event without type", b -> events(b, new JsonObject().put("seconds", 1)), "invalid_beacon"),
                bad("seconds as text", b -> events(b, new JsonObject().put("type", "startup").put("seconds", "0.8")),
                        "invalid_beacon"),
                bad("negative seconds", b -> events(b, new JsonObject().put("type", "rebuffer").put("seconds", -1)),
                        "invalid_beacon"),
                bad("over an hour", b -> events(b, new JsonObject().put("type", "played").put("rung", "720p")
                        .put("seconds", 3601)), "invalid_beacon"),
                bad("played without a rung", b -> events(b, new JsonObject().put("type", "played").put("seconds", 1)),
                        "invalid_beacon"),
                bad("a switch to no rung", b -> events(b, new JsonObject().put("type", "switch").put("from", "360p")
                        .put("to", "best")), "invalid_beacon"),
                bad("a switch to the same rung", b -> events(b, new JsonObject().put("type", "switch").put("from", "720p")
                        .put("to", "720p")), "invalid_beacon"),
                bad("an unknown error kind", b -> events(b, new JsonObject().put("type", "error").put("kind", "oops")),
                        "invalid_beacon"),
                bad("101 events", b -> {
                    JsonArray events = new JsonArray();
                    for (int i = 0; i < 101; i++) {
                        events.add(new JsonObject().put("type", "rebuffer").put("seconds", 0.1));
                    }
                    return b.put("events", events);
                }, "too_many_events"),
                bad("a body over 16 KiB", "{\"v\": 1, \"pad\": \"" + "x".repeat(QoeBeacon.MAX_BODY_BYTES) + "\"}",
                        "beacon_too_large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBeacons")
    void aBadBeaconIsRefusedWithACodeAndAReasonThatNeverRepeatsTheValueSent(String what, String body, String error) {
        QoeBeacon.Refused refused = catchThrowableOfType(QoeBeacon.Refused.class,
                () -> QoeBeacon.parse(Buffer.buffer(body)));

        assertThat(refused).as(what).isNotNull();
        assertThat(refused.error()).isEqualTo(error);
        assertThat(refused.reason()).isNotBlank().doesNotContain("FAKE", "\n", "../", "oops", "bola", "seek");
    }

    @Test
    void aBeaconThatIsGoodUpToOneBadEventIsRefusedWhole() {
        JsonObject json = Beacons.full("edge-ams");
        json.getJsonArray("events").add(new JsonObject().put("type", "teleport"));

        assertThatThrownBy(() -> QoeBeacon.parse(Buffer.buffer(json.encode())))
                .isInstanceOf(QoeBeacon.Refused.class).hasMessageContaining("events[5].type");
    }

    private static Arguments bad(String what, String body, String error) {
        return Arguments.of(what, body, error);
    }

    private static Arguments bad(String what, UnaryOperator<JsonObject> change, String error) {
        return Arguments.of(what, change.apply(Beacons.full("edge-ams")).encode(), error);
    }

    private static JsonObject events(JsonObject beacon, Object... events) {
        JsonArray list = new JsonArray();
        for (Object event : events) {
            list.add(event);
        }
        return beacon.put("events", list);
    }
}
