package io.streamcdn.origin.qoe;

import io.streamcdn.common.EdgeNameSyntax;
import io.streamcdn.common.VideoIdSyntax;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One QoE beacon from a player, parsed and checked whole before anything is counted (the contract is in README,
 * "QoE beacons"):
 * <pre>{@code
 * {"v": 1, "session": "<16-32 of [A-Za-z0-9_-]>", "video": "<id>", "edge": "<edge name>", "abr": "ours"|"stock",
 *  "events": [{"type": "startup", "seconds": 0.84}, {"type": "rebuffer", "seconds": 1.2},
 *             {"type": "switch", "from": "360p", "to": "720p"}, {"type": "played", "rung": "720p", "seconds": 9.7},
 *             {"type": "error", "kind": "segment"|"manifest"|"decode"|"failover"|"other"}]}
 * }</pre>
 * A beacon is refused ({@link Refused}) for malformed JSON, a missing field or one of the wrong type, a value out
 * of its range, an event type or error kind the contract does not list, or more than {@link #MAX_EVENTS} events.
 * Fields the contract does not name are ignored, so a newer player may add some. Refusal reasons name the field
 * and the rule, never the value sent: they go to the log, and a client's text has no business there.
 *
 * @param session a random id the player picks per playback; checked, not counted (it would be a label per viewer)
 * @param video   the video watched; checked, not counted, for the same reason
 * @param edge    the name of the edge that served the video ({@code origin} when the player had no router)
 * @param abr     which adaptation rule the player ran: {@code ours} or {@code stock}
 */
public record QoeBeacon(String session, String video, String edge, String abr, List<QoeEvent> events) {

    /** The contract's version, the beacon's {@code v}. */
    public static final int VERSION = 1;
    /** Largest body accepted, in bytes. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    public static final int MAX_EVENTS = 100;
    /** No one event lasts longer: beacons go every 10 s of playback, so an hour is already a broken clock. */
    public static final double MAX_SECONDS = 3600;

    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{16,32}");

    public QoeBeacon {
        events = List.copyOf(events);
    }

    /** Why a beacon was refused: a stable {@code error} code and a {@code reason} for a person. */
    public static final class Refused extends RuntimeException {

        private final String error;

        Refused(String error, String reason) {
            super(reason, null, false, false);
            this.error = error;
        }

        static Refused invalid(String reason) {
            return new Refused("invalid_beacon", reason);
        }

        public String error() {
            return error;
        }

        public String reason() {
            return getMessage();
        }
    }

    /** A body over {@link #MAX_BODY_BYTES}, refused before or while it is read. */
    public static Refused tooLarge() {
        return new Refused("beacon_too_large", "a beacon body may hold at most " + MAX_BODY_BYTES
                + " bytes; send one every 10 s of playback so each stays small");
    }

    /** Parses and checks a whole beacon body. */
    public static QoeBeacon parse(Buffer body) {
        if (body.length() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw new Refused("malformed_json", "the body is not a JSON object; send the beacon as JSON, like "
                    + "{\"v\": 1, \"session\": ..., \"events\": [...]}");
        }
        Object version = json.getValue("v");
        if (!(version instanceof Integer v) || v != VERSION) {
            throw Refused.invalid("\"v\" must be the number " + VERSION + " (this origin speaks version " + VERSION
                    + " of the beacon)");
        }
        String session = string(json, "session", "\"session\"");
        require(SESSION.matcher(session).matches(),
                "\"session\" must be 16 to 32 characters of A-Z, a-z, 0-9, '_' and '-'");
        String video = string(json, "video", "\"video\"");
        require(VideoIdSyntax.isValid(video), "\"video\" is not a video id; " + VideoIdSyntax.RULE);
        String edge = string(json, "edge", "\"edge\"");
        require(EdgeNameSyntax.isValid(edge), "\"edge\" is not an edge name; " + EdgeNameSyntax.RULE);
        String abr = string(json, "abr", "\"abr\"");
        require(abr.equals("ours") || abr.equals("stock"), "\"abr\" must be \"ours\" or \"stock\"");
        if (!(json.getValue("events") instanceof JsonArray list)) {
            throw Refused.invalid("\"events\" must be an array (empty when nothing happened)");
        }
        if (list.size() > MAX_EVENTS) {
            throw new Refused("too_many_events", "a beacon may carry at most " + MAX_EVENTS + " events, this one has "
                    + list.size() + "; send beacons more often");
        }
        List<QoeEvent> events = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject event)) {
                throw Refused.invalid("events[" + i + "] must be an object with a \"type\"");
            }
            events.add(event(event, "events[" + i + "]"));
        }
        return new QoeBeacon(session, video, edge, abr, events);
    }

    private static QoeEvent event(JsonObject json, String where) {
        String type = string(json, "type", where + ".type");
        return switch (type) {
            case "startup" -> new QoeEvent.Startup(seconds(json, where));
            case "rebuffer" -> new QoeEvent.Rebuffer(seconds(json, where));
            case "played" -> new QoeEvent.Played(string(json, "rung", where + ".rung"), seconds(json, where));
            case "switch" -> {
                String from = string(json, "from", where + ".from");
                String to = string(json, "to", where + ".to");
                // The direction is the metric's label: it must be knowable, so both ends are rung labels of two heights.
                require(Rungs.isLabel(from) && Rungs.isLabel(to), where + ".from and .to must be rung labels like 720p");
                require(Rungs.height(from) != Rungs.height(to), where + " switches between two rungs of the same height");
                yield new QoeEvent.Switch(from, to);
            }
            case "error" -> {
                QoeEvent.PlayerError.Kind kind = QoeEvent.PlayerError.Kind.fromLabel(string(json, "kind", where + ".kind"));
                require(kind != null, where + ".kind must be one of segment, manifest, decode, failover, other");
                yield new QoeEvent.PlayerError(kind);
            }
            default -> throw Refused.invalid(where + ".type is not one of startup, rebuffer, switch, played, error");
        };
    }

    private static String string(JsonObject json, String field, String where) {
        if (!(json.getValue(field) instanceof String value)) {
            throw Refused.invalid(where + " must be a string");
        }
        return value;
    }

    private static double seconds(JsonObject json, String where) {
        Object value = json.getValue("seconds");
        if (!(value instanceof Number number)) {
            throw Refused.invalid(where + ".seconds must be a number");
        }
        double seconds = number.doubleValue();
        require(Double.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SECONDS,
                where + ".seconds must lie within 0.." + (long) MAX_SECONDS);
        return seconds;
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw Refused.invalid(reason);
        }
    }
}
