package io.streamcdn.bench.qoe;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class QoeScoreTest {

    private static final PensieveLadder LADDER = PensieveLadder.STANDARD;

    @Test
    void qoeLinIsBitrateMinusRebufferPenaltyMinusSwitchingInSegmentOrder() {
        JsonObject log = log(new JsonArray()
                        .add(segment(100, 1, 0))
                        .add(segment(5000, 2, 2))
                        .add(segment(1000, 3, 2))   // fetched before segment 2, played after it
                        .add(segment(9000, 3, 1))   // segment 3 again, at another rung: this one is played
                        .add(segment(12000, 4, 5)),
                new JsonArray()
                        .add(event(100, "rebuffer-start"))  // before startup: that wait is startup, not a stall
                        .add(event(800, "rebuffer-end"))
                        .add(event(900, "startup").put("seconds", 0.9))
                        .add(event(5000, "rebuffer-start"))
                        .add(event(6500, "rebuffer-end"))
                        .add(event(20000, "rebuffer-start")), // still stalled at the end
                20500);

        QoeScore score = QoeScore.of(PlaybackLog.fromJson(log), LADDER);

        // Played: 0.3, 1.2, 0.75, 4.3 Mbit/s; stalls 1.5 s + 0.5 s.
        assertThat(score.segments()).isEqualTo(4);
        assertThat(score.rebufferSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(score.qoeLin()).isCloseTo((0.3 + 1.2 + 0.75 + 4.3) - 4.3 * 2.0 - (0.9 + 0.45 + 3.55), within(1e-9));
        assertThat(score.averageBitrateMbps()).isCloseTo(6.55 / 4, within(1e-9));
        assertThat(score.switches()).isEqualTo(3);
        assertThat(score.rebufferRatio()).isCloseTo(2.0 / (2.0 + 16.0), within(1e-9));
        assertThat(score.startupSeconds()).isEqualTo(0.84); // the player's stats() wins over the event
        assertThat(score.ended()).isTrue();
    }

    @Test
    void aStallWithVideoBufferedIsTheMachinesNotRebuffering() {
        JsonObject log = log(new JsonArray().add(segment(100, 1, 2)).add(segment(4000, 2, 2)),
                new JsonArray()
                        .add(event(900, "startup").put("seconds", 0.9))
                        .add(event(5000, "rebuffer-start").put("buffer", 12.5))  // the decoder fell behind
                        .add(event(5400, "rebuffer-end"))
                        .add(event(9000, "rebuffer-start").put("buffer", 0.2))   // the buffer ran dry
                        .add(event(10000, "rebuffer-end"))
                        .add(event(12000, "rebuffer-start").put("buffer", 8.0)), // still stalled at the end
                12500);

        QoeScore score = QoeScore.of(PlaybackLog.fromJson(log), LADDER);

        assertThat(score.rebufferSeconds()).isCloseTo(1.0, within(1e-9));
        assertThat(score.bufferedStallSeconds()).isCloseTo(0.4 + 0.5, within(1e-9));
        assertThat(score.qoeLin()).isCloseTo(2 * 1.2 - 4.3 * 1.0, within(1e-9));
    }

    @Test
    void aSteadySessionScoresItsBitrateOnly() {
        JsonArray segments = new JsonArray();
        for (int i = 1; i <= 45; i++) {
            segments.add(segment(i * 4000, i, 3));
        }
        JsonObject log = log(segments, new JsonArray().add(event(500, "startup")), 180_000);

        QoeScore score = QoeScore.of(PlaybackLog.fromJson(log), LADDER);

        assertThat(score.qoeLin()).isCloseTo(45 * 1.85, within(1e-9));
        assertThat(score.switches()).isZero();
        assertThat(score.rebufferRatio()).isZero();
    }

    @Test
    void startupFallsBackToTheStartupEventWithoutStats() {
        JsonObject log = new JsonObject()
                .put("segments", new JsonArray().add(segment(10, 1, 0)))
                .put("events", new JsonArray().add(event(700, "startup").put("seconds", 0.7)))
                .put("stats", new JsonObject()).put("playedSeconds", 4.0).put("now", 4700.0);

        assertThat(QoeScore.of(PlaybackLog.fromJson(log), LADDER).startupSeconds()).isEqualTo(0.7);
    }

    @Test
    void anEmptySessionScoresZeroAndNoStartup() {
        JsonObject log = new JsonObject().put("segments", new JsonArray()).put("events", new JsonArray());

        QoeScore score = QoeScore.of(PlaybackLog.fromJson(log), LADDER);

        assertThat(score.qoeLin()).isZero();
        assertThat(score.segments()).isZero();
        assertThat(score.startupSeconds()).isNaN();
        assertThat(score.ended()).isFalse();
    }

    @Test
    void aRungOutsideTheLadderFailsTheSessionLoudly() {
        JsonObject log = log(new JsonArray().add(segment(10, 1, 6)), new JsonArray(), 1000);

        assertThatThrownBy(() -> QoeScore.of(PlaybackLog.fromJson(log), LADDER))
                .hasMessageContaining("rung index 6 is not in the 6-rung ladder");
    }

    @Test
    void aSegmentWithoutItsNumberBreaksTheContract() {
        JsonObject log = log(new JsonArray().add(new JsonObject().put("t", 1.0).put("rungIndex", 0)), new JsonArray(), 10);

        assertThatThrownBy(() -> PlaybackLog.fromJson(log))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 0 has no 'index'");
    }

    @Test
    void theLadderIsPensievesAndTellsTheOriginItsFlag() {
        assertThat(LADDER.kbps()).containsExactly(300, 750, 1200, 1850, 2850, 4300);
        assertThat(LADDER.originFlag()).isEqualTo("240p:300k,288p:750k,336p:1200k,384p:1850k,432p:2850k,480p:4300k");
        assertThat(LADDER.maxMbps()).isEqualTo(QoeScore.REBUFFER_PENALTY);
    }

    private static JsonObject log(JsonArray segments, JsonArray events, double now) {
        return new JsonObject().put("segments", segments).put("events", events)
                .put("stats", new JsonObject().put("startupSeconds", 0.84).put("rebufferSeconds", 2.0))
                .put("playedSeconds", 16.0).put("ended", true).put("wallSeconds", 21.0).put("now", now);
    }

    private static JsonObject segment(double t, int index, int rung) {
        return new JsonObject().put("t", t).put("url", "http://127.0.0.1/videos/x/" + rung + "/seg-" + index + ".m4s")
                .put("rungIndex", rung).put("bitrateKbps", LADDER.kbps().get(Math.min(rung, 5)) * 1.4)
                .put("bytes", 500_000).put("ms", 800.0).put("index", index);
    }

    private static JsonObject event(double t, String type) {
        return new JsonObject().put("t", t).put("type", type);
    }
}
