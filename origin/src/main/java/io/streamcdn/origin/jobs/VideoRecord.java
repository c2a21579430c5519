package io.streamcdn.origin.jobs;

import io.streamcdn.media.Ladder;
import io.streamcdn.media.MediaInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the origin knows about one video; persisted as {@code catalog/{id}.json} and, with links added,
 * the body of {@code GET /api/videos/{id}}. Immutable: every change makes a new record.
 *
 * @param progress        0..1 while encoding; 1 when ready
 * @param error           why the video failed, in words for the uploader; null unless {@code failed}
 * @param durationSeconds the source's duration until the ladder is ready, then the ladder's
 * @param renditions      the published video renditions, highest first; empty until ready
 * @param attempts        encode runs started and not stopped cleanly (a crash counts, a graceful stop does not)
 */
public record VideoRecord(String id, String title, VideoState state, double progress, String error,
                          Instant createdAt, Instant updatedAt, Source source, double durationSeconds,
                          List<Rendition> renditions, int attempts) {

    public VideoRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(source, "source");
        renditions = List.copyOf(renditions);
        if (!(progress >= 0 && progress <= 1)) {
            throw new IllegalArgumentException("progress " + progress + " is outside 0..1");
        }
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts " + attempts + " is negative");
        }
    }

    /** What the probe found in the uploaded original. */
    public record Source(String container, String videoCodec, int width, int height, double frameRate,
                         double durationSeconds, boolean hasAudio) {

        public static Source of(MediaInfo info) {
            MediaInfo.Video v = info.video();
            return new Source(info.container(), v.codec(), v.width(), v.height(), v.frameRate().value(),
                    info.durationSeconds(), info.audio() != null);
        }

        JsonObject toJson() {
            return new JsonObject()
                    .put("container", container)
                    .put("videoCodec", videoCodec)
                    .put("width", width)
                    .put("height", height)
                    .put("frameRate", round(frameRate, 1000))
                    .put("durationSeconds", round(durationSeconds, 1000))
                    .put("hasAudio", hasAudio);
        }

        static Source fromJson(JsonObject json) {
            return new Source(json.getString("container"), json.getString("videoCodec"),
                    json.getInteger("width", 0), json.getInteger("height", 0),
                    json.getDouble("frameRate", 0.0), json.getDouble("durationSeconds", 0.0),
                    json.getBoolean("hasAudio", false));
        }
    }

    /** One published video rendition. {@code bandwidth} is the peak bitrate, as in the MPD and HLS playlists. */
    public record Rendition(String id, int width, int height, long bandwidth, String codecs) {

        public static List<Rendition> of(Ladder ladder) {
            return ladder.video().stream()
                    .map(t -> new Rendition(t.id(), t.width(), t.height(), t.peakBandwidth(), t.codecs()))
                    .toList();
        }

        JsonObject toJson() {
            return new JsonObject()
                    .put("id", id)
                    .put("width", width)
                    .put("height", height)
                    .put("bandwidth", bandwidth)
                    .put("codecs", codecs);
        }

        static Rendition fromJson(JsonObject json) {
            return new Rendition(json.getString("id"), json.getInteger("width", 0), json.getInteger("height", 0),
                    json.getLong("bandwidth", 0L), json.getString("codecs"));
        }
    }

    /** A video just accepted: queued, no attempt yet. */
    public static VideoRecord queued(String id, String title, Source source, Instant now) {
        return new VideoRecord(id, title, VideoState.QUEUED, 0, null, now, now, source, source.durationSeconds(),
                List.of(), 0);
    }

    /** An encode run begins: counts as an attempt until it ends cleanly. */
    public VideoRecord encoding(Instant now) {
        return new VideoRecord(id, title, VideoState.ENCODING, 0, null, createdAt, now, source, durationSeconds,
                List.of(), attempts + 1);
    }

    public VideoRecord progressed(double value, Instant now) {
        return new VideoRecord(id, title, state, Math.max(0, Math.min(1, value)), error, createdAt, now, source,
                durationSeconds, renditions, attempts);
    }

    /** Back in the queue to run again; {@code attempts} says how many runs have been used. */
    public VideoRecord requeued(int attempts, Instant now) {
        return new VideoRecord(id, title, VideoState.QUEUED, 0, null, createdAt, now, source, durationSeconds,
                List.of(), attempts);
    }

    public VideoRecord ready(Ladder ladder, Instant now) {
        return new VideoRecord(id, title, VideoState.READY, 1, null, createdAt, now, source,
                ladder.durationSeconds(), Rendition.of(ladder), attempts);
    }

    public VideoRecord failed(String reason, Instant now) {
        return new VideoRecord(id, title, VideoState.FAILED, progress, reason, createdAt, now, source,
                durationSeconds, List.of(), attempts);
    }

    public JsonObject toJson() {
        JsonArray rungs = new JsonArray();
        renditions.forEach(r -> rungs.add(r.toJson()));
        JsonObject json = new JsonObject()
                .put("id", id)
                .put("title", title)
                .put("state", state.label())
                .put("progress", round(progress, 1000));
        if (error != null) {
            json.put("error", error);
        }
        return json
                .put("createdAt", createdAt.toString())
                .put("updatedAt", updatedAt.toString())
                .put("source", source.toJson())
                .put("durationSeconds", round(durationSeconds, 1000))
                .put("renditions", rungs)
                .put("attempts", attempts);
    }

    /**
     * Reads a persisted record.
     *
     * @throws IllegalArgumentException when a required field is missing or malformed
     */
    public static VideoRecord fromJson(JsonObject json) {
        try {
            List<Rendition> renditions = new ArrayList<>();
            JsonArray rungs = json.getJsonArray("renditions", new JsonArray());
            for (int i = 0; i < rungs.size(); i++) {
                renditions.add(Rendition.fromJson(rungs.getJsonObject(i)));
            }
            JsonObject source = json.getJsonObject("source");
            if (source == null) {
                throw new IllegalArgumentException("the record has no source");
            }
            return new VideoRecord(json.getString("id"), json.getString("title"),
                    VideoState.parse(json.getString("state")), json.getDouble("progress", 0.0),
                    json.getString("error"), Instant.parse(json.getString("createdAt")),
                    Instant.parse(json.getString("updatedAt")), Source.fromJson(source),
                    json.getDouble("durationSeconds", 0.0), renditions, json.getInteger("attempts", 0));
        } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("malformed record: " + e.getMessage(), e);
        }
    }

    private static double round(double value, int scale) {
        return Math.round(value * scale) / (double) scale;
    }
}
