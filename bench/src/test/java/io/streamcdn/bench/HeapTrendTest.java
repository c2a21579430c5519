package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeapTrendTest {

    @Test
    void aHeapThatSettlesAfterTheRampIsFlat() {
        assertThat(HeapTrend.flat(List.of(20e6, 80e6, 85e6, 78e6, 90e6))).isTrue();
    }

    @Test
    void aHeapWhoseFloorKeepsRisingIsNotFlat() {
        assertThat(HeapTrend.flat(List.of(20e6, 80e6, 120e6, 160e6, 200e6))).isFalse();
        assertThat(HeapTrend.describe(List.of(20e6, 80e6, 120e6, 160e6, 200e6))).contains("+120.0 MB", "+40.00 MB per minute");
    }

    @Test
    void tooShortARunCannotBeCalledFlat() {
        assertThat(HeapTrend.flat(List.of(20e6, 21e6))).isFalse();
    }
}
