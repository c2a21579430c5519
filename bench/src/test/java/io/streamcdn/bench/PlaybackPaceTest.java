package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PlaybackPaceTest {

    private static long s(double seconds) {
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void asksAtOnceUntilTheBufferHoldsItsTargetThenOneSegmentPerSegmentPlayed() {
        PlaybackPace pace = new PlaybackPace(2, 6);
        assertThat(pace.delayNanos(s(0))).isZero();
        pace.segmentArrived(s(0.1));
        pace.segmentArrived(s(0.2));
        assertThat(pace.delayNanos(s(0.2))).isZero(); // 3.9 s buffered: room for one more under 6 s
        pace.segmentArrived(s(0.3));
        // 5.8 s buffered (0.2 s played); the next 2 s segment fits once the buffer is down to 4 s: 1.8 s from now
        assertThat(pace.delayNanos(s(0.3)) / 1e9).isCloseTo(1.8, within(0.01));
        assertThat(pace.stalls()).isZero();
    }

    @Test
    void aSegmentThatArrivesAfterTheBufferRanDryCountsAsAStallOfTheDryTime() {
        PlaybackPace pace = new PlaybackPace(2, 6);
        pace.segmentArrived(s(1));      // plays 1..3
        pace.segmentArrived(s(4.5));    // dry at 3, arrives at 4.5: 1.5 s stall

        assertThat(pace.stalls()).isEqualTo(1);
        assertThat(pace.stalledSeconds()).isCloseTo(1.5, within(0.01));
        assertThat(pace.bufferAt(s(4.5))).isCloseTo(2, within(0.01));
    }

    @Test
    void refusesABufferSmallerThanOneSegment() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PlaybackPace(4, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
