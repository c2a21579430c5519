package io.streamcdn.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrackRatesTest {

    private static final int TIMESCALE = 1000;

    @Test
    void peakIsTheRateOfTheHeaviestFullSegment() {
        // 4 s segments of 500, 750 and 600 kB: 1.0, 1.5 and 1.2 Mbit/s
        TrackRates rates = TrackRates.of(List.of(
                new Ladder.Segment(1, 0, 4000, 500_000),
                new Ladder.Segment(2, 4000, 4000, 750_000),
                new Ladder.Segment(3, 8000, 4000, 600_000)), TIMESCALE);

        assertThat(rates.peak()).isEqualTo(1_500_000);
        assertThat(rates.average()).isEqualTo(1_233_333);
    }

    @Test
    void aTinyTailSegmentDoesNotInflateThePeak() {
        // The last segment is two frames (67 ms) of 20 kB: 2.4 Mbit/s over its own duration, which once declared
        // the whole 1 Mbit/s rung at more than twice its rate.
        TrackRates rates = TrackRates.of(List.of(
                new Ladder.Segment(1, 0, 4000, 500_000),
                new Ladder.Segment(2, 4000, 4000, 500_000),
                new Ladder.Segment(3, 8000, 67, 20_000)), TIMESCALE);

        assertThat(rates.peak()).isEqualTo(1_000_000);
    }

    @Test
    void aShortSegmentHeavierThanAFullOneStillSetsThePeak() {
        // 2 s carrying 800 kB is 1.6 Mbit/s even when spread over the longest segment's 4 s
        TrackRates rates = TrackRates.of(List.of(
                new Ladder.Segment(1, 0, 4000, 500_000),
                new Ladder.Segment(2, 4000, 2000, 800_000)), TIMESCALE);

        assertThat(rates.peak()).isEqualTo(1_600_000);
    }

    @Test
    void noSegmentsMeansNoRate() {
        assertThat(TrackRates.of(List.of(), TIMESCALE)).isEqualTo(new TrackRates(0, 0));
    }
}
