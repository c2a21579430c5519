package io.streamcdn.bench.qoe;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ShapedLinkTest {

    private static final long SECOND = 1_000_000_000L;

    /** A viewer's side of a flow: counts what arrives; can refuse writes like a full write queue. */
    private static final class Viewer implements ShapedLink.Sink {
        long received;
        boolean writable = true;
        boolean ended;

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void write(Buffer chunk) {
            received += chunk.length();
        }

        @Override
        public void end() {
            ended = true;
        }
    }

    @Test
    void flowsWithEnoughQueuedShareTheRateEqually() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer a = new Viewer();
        Viewer b = new Viewer();
        link.open(a, () -> { }, () -> { }).offer(bytes(100_000));
        link.open(b, () -> { }, () -> { }).offer(bytes(100_000));

        link.tick(SECOND / 10);

        assertThat(a.received + b.received).isCloseTo(12_500, within(2L)); // 1 Mbit/s for 0.1 s
        assertThat(a.received).isCloseTo(b.received, within(1L));
    }

    @Test
    void aFlowWithLessQueuedLeavesItsShareToTheOthers() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer small = new Viewer();
        Viewer large = new Viewer();
        link.open(small, () -> { }, () -> { }).offer(bytes(1_000));
        link.open(large, () -> { }, () -> { }).offer(bytes(100_000));

        link.tick(SECOND / 10);

        assertThat(small.received).isEqualTo(1_000);
        assertThat(large.received).isCloseTo(11_500, within(2L));
    }

    @Test
    void capacityUnusedWhileNobodyWantsItIsLost() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        link.tick(10 * SECOND); // ten idle seconds
        Viewer late = new Viewer();
        link.open(late, () -> { }, () -> { }).offer(bytes(1_000_000));

        link.tick(10 * SECOND + SECOND / 10);

        assertThat(late.received).isCloseTo(12_500, within(2L));
    }

    @Test
    void theRateFollowsTheTraceAcrossASampleBoundary() {
        BandwidthTrace steps = new BandwidthTrace("steps", new double[] {0, 1}, new double[] {8, 1}, 100);
        ShapedLink link = new ShapedLink(steps, 0);
        Viewer viewer = new Viewer();
        link.open(viewer, () -> { }, () -> { }).offer(bytes(5_000_000));

        for (long t = 1; t <= 300; t++) {
            link.tick(t * SECOND / 100);
        }

        assertThat(viewer.received).isCloseTo(1_000_000 + 250_000, within(2L)); // 1 s at 8 Mbit/s, then 2 s at 1 Mbit/s
    }

    @Test
    void followingANewTraceStartsItFromItsBeginning() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer viewer = new Viewer();
        link.open(viewer, () -> { }, () -> { }).offer(bytes(1_000_000));
        link.tick(SECOND);

        link.follow(BandwidthTrace.constant(4.0), SECOND);
        link.tick(2 * SECOND);

        assertThat(viewer.received).isCloseTo(125_000 + 500_000, within(2L));
    }

    @Test
    void theProducerIsPausedAboveHighWaterAndResumedBelowLowWater() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(8.0), 0);
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        ShapedLink.Flow flow = link.open(new Viewer(), pauses::incrementAndGet, resumes::incrementAndGet);

        flow.offer(bytes(ShapedLink.HIGH_WATER_BYTES));
        assertThat(pauses).hasValue(0);
        flow.offer(bytes(1));
        assertThat(pauses).hasValue(1);

        link.tick(SECOND / 10); // 100 KB sent: still above low water
        assertThat(resumes).hasValue(0);
        link.tick(2 * SECOND / 10);
        assertThat(flow.queuedBytes()).isLessThan(ShapedLink.LOW_WATER_BYTES);
        assertThat(resumes).hasValue(1);
    }

    @Test
    void aViewerThatIsNotDrainingGetsNothingAndLeavesTheRateToOthers() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer stuck = new Viewer();
        Viewer reading = new Viewer();
        stuck.writable = false;
        link.open(stuck, () -> { }, () -> { }).offer(bytes(100_000));
        link.open(reading, () -> { }, () -> { }).offer(bytes(100_000));

        link.tick(SECOND / 10);

        assertThat(stuck.received).isZero();
        assertThat(reading.received).isCloseTo(12_500, within(2L));
    }

    @Test
    void aFlowEndsItsViewerOnlyOnceItsQueueHasCrossed() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer viewer = new Viewer();
        ShapedLink.Flow flow = link.open(viewer, () -> { }, () -> { });
        flow.offer(bytes(20_000));
        flow.end();

        link.tick(SECOND / 10);
        assertThat(viewer.ended).isFalse();
        link.tick(2 * SECOND / 10);

        assertThat(viewer.received).isEqualTo(20_000);
        assertThat(viewer.ended).isTrue();
        assertThat(link.activeFlows()).isZero();
    }

    @Test
    void aCancelledFlowIsNeverWrittenAgain() {
        ShapedLink link = new ShapedLink(BandwidthTrace.constant(1.0), 0);
        Viewer viewer = new Viewer();
        ShapedLink.Flow flow = link.open(viewer, () -> { }, () -> { });
        flow.offer(bytes(20_000));

        flow.cancel();
        flow.offer(bytes(1_000));
        link.tick(SECOND);

        assertThat(viewer.received).isZero();
        assertThat(link.activeFlows()).isZero();
    }

    private static Buffer bytes(int n) {
        return Buffer.buffer(new byte[n]);
    }
}
