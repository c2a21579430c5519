package io.streamcdn.origin.qoe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Beacons as the player sends them (the contract's example), for tests to vary. */
final class Beacons {

    static final String SESSION = "s3ss10n-AbCdEf_0123";
    static final String VIDEO = "abcdef123456";

    private Beacons() {
    }

    /** The contract's example: one event of every type. */
    static JsonObject full(String edge) {
        return empty(edge).put("events", new JsonArray()
                .add(new JsonObject().put("type", "startup").put("seconds", 0.84))
                .add(new JsonObject().put("type", "rebuffer").put("seconds", 1.2))
                .add(new JsonObject().put("type", "switch").put("from", "360p").put("to", "720p"))
                .add(new JsonObject().put("type", "played").put("rung", "720p").put("seconds", 9.7))
                .add(new JsonObject().put("type", "error").put("kind", "segment")));
    }

    static JsonObject empty(String edge) {
        return new JsonObject().put("v", 1).put("session", SESSION).put("video", VIDEO).put("edge", edge)
                .put("abr", "ours").put("events", new JsonArray());
    }

    static JsonObject played(String edge, String rung, double seconds) {
        return empty(edge).put("events", new JsonArray()
                .add(new JsonObject().put("type", "played").put("rung", rung).put("seconds", seconds)));
    }
}
