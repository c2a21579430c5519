package io.streamcdn.bench.qoe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What one playback session left in the watch page's {@code window.streamcdn} hooks (the contract between
 * the player and the benchmark), read at the end of the session: every video segment fetched, every player
 * event and the final {@code stats()}; plus what the driver saw itself: how far the video played and
 * whether it reached the end.
 *
 * @param playedSeconds the video element's {@code currentTime} at the end
 * @param ended         the video reached its end or the time asked (else the session was cut at its wall limit)
 * @param wallSeconds   from opening the page to the end of the session
 * @param endMillis     the page's clock (performance.now) when the log was read
 * @param pageErrors    uncaught script errors the page raised
 */
public record PlaybackLog(List<Segment> segments, List<Event> events, JsonObject stats, double playedSeconds,
                          boolean ended, double wallSeconds, double endMillis, List<String> pageErrors) {

    /** One video media segment fetched: {@code t} and {@code ms} in milliseconds (performance.now). */
    public record Segment(double t, String url, int rungIndex, double bitrateKbps, long bytes, double ms, int index) {
    }

    /** One player event; {@code fields} holds the whole object as the page wrote it. */
    public record Event(double t, String type, JsonObject fields) {
    }

    public PlaybackLog {
        segments = List.copyOf(segments);
        events = List.copyOf(events);
        stats = stats.copy();
        pageErrors = List.copyOf(pageErrors);
    }

    /**
     * Reads the JSON the driver collects: {@code {"segments": [...], "events": [...], "stats": {...},
     * "playedSeconds": n, "ended": b, "wallSeconds": n, "now": ms}}. A segment or event without its required fields
     * is refused with what is missing, so a player that breaks the contract fails the run loudly.
     */
    public static PlaybackLog fromJson(JsonObject json) {
        List<Segment> segments = new ArrayList<>();
        JsonArray rawSegments = json.getJsonArray("segments", new JsonArray());
        for (int i = 0; i < rawSegments.size(); i++) {
            JsonObject s = rawSegments.getJsonObject(i);
            require(s, "segment " + i, "t", "rungIndex", "index");
            segments.add(new Segment(s.getDouble("t"), s.getString("url", ""), s.getInteger("rungIndex"),
                    s.getDouble("bitrateKbps", Double.NaN), s.getLong("bytes", -1L), s.getDouble("ms", Double.NaN),
                    s.getInteger("index")));
        }
        List<Event> events = new ArrayList<>();
        JsonArray rawEvents = json.getJsonArray("events", new JsonArray());
        for (int i = 0; i < rawEvents.size(); i++) {
            JsonObject e = rawEvents.getJsonObject(i);
            require(e, "event " + i, "t", "type");
            events.add(new Event(e.getDouble("t"), e.getString("type"), e));
        }
        return new PlaybackLog(segments, events, json.getJsonObject("stats", new JsonObject()),
                json.getDouble("playedSeconds", 0.0), json.getBoolean("ended", false), json.getDouble("wallSeconds", 0.0),
                json.getDouble("now", 0.0), json.getJsonArray("pageErrors", new JsonArray()).stream().map(String::valueOf).toList());
    }

    private static void require(JsonObject object, String what, String... fields) {
        for (String field : fields) {
            if (object.getValue(field) == null) {
                throw new IllegalArgumentException(what + " has no '" + field + "': " + object.encode());
            }
        }
    }
}
