package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilesTest {

    @Test
    void nearestRankPercentilesOfTwoHundredWaiters() {
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = 200 - i; // unsorted on purpose: 200 .. 1
        }

        assertThat(CoalescingBenchmark.percentile(values, 50)).isEqualTo(100);
        assertThat(CoalescingBenchmark.percentile(values, 99)).isEqualTo(198);
        assertThat(CoalescingBenchmark.percentile(values, 100)).isEqualTo(200);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(EdgeVsNginxBenchmark.median(new double[]{3, 1, 2})).isEqualTo(2);
        assertThat(EdgeVsNginxBenchmark.median(new double[]{4, 1, 2, 3})).isEqualTo(2.5);
    }
}
