package io.streamcdn.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameClockTest {

    @ParameterizedTest(name = "{0}/{1} fps, {2} s segments")
    @CsvSource({"30000,1001,2.0", "30,1,2.0", "25,1,2.0", "24000,1001,2.0", "60,1,4.0", "30000,1001,6.0", "50,1,1.5"})
    void segmentsStartAtTheFirstFrameAtOrAfterEachMultipleOfTheTargetAndNeverDrift(int num, int den, double seconds) {
        FrameClock clock = new FrameClock(new Rational(num, den), seconds);
        double frame = (double) den / num;
        List<Long> starts = new ArrayList<>();
        for (long n = 0; n < 20_000; n++) {
            if (clock.startsSegment(n)) {
                starts.add(n);
            }
        }
        for (int k = 0; k < starts.size(); k++) {
            double t = clock.secondsOf(starts.get(k));
            assertThat(t).as("segment %d start", k).isGreaterThanOrEqualTo(k * seconds - 1e-9);
            assertThat(t - k * seconds).as("segment %d lateness", k).isLessThan(frame);
        }
        for (int k = 1; k < starts.size(); k++) {
            double duration = clock.secondsOf(starts.get(k)) - clock.secondsOf(starts.get(k - 1));
            assertThat(Math.abs(duration - seconds)).isLessThanOrEqualTo(frame + 1e-9);
        }
    }

    @Test
    void leadingGapIsReportedAsSlotsToFillBeforeTheFirstFrame() {
        FrameClock clock = new FrameClock(new Rational(30000, 1001), 2.0);
        // The test clips' first picture is at 2.235 s: slots 0..66 are filled, the picture lands on 67.
        assertThat(clock.advance(2.235)).isEqualTo(68);
        assertThat(clock.next()).isEqualTo(68);
        assertThat(clock.advance(2.235 + 1001 / 30000.0)).isEqualTo(1);
    }

    @Test
    void framesLandingOnAFilledSlotAreDroppedAndHolesAreFilled() {
        FrameClock clock = new FrameClock(new Rational(25, 1), 2.0);
        assertThat(clock.advance(0.0)).isEqualTo(1);
        assertThat(clock.advance(0.01)).as("same slot as the previous frame").isZero();
        assertThat(clock.advance(0.16)).as("slot 4: slots 1..3 repeat the previous picture").isEqualTo(4);
    }

    @Test
    void negativeTimestampsLandOnTheFirstSlot() {
        FrameClock clock = new FrameClock(new Rational(30, 1), 2.0);
        assertThat(clock.advance(-0.5)).isEqualTo(1);
        assertThat(clock.next()).isEqualTo(1);
    }
}
