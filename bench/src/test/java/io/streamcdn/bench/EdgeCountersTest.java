package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeCountersTest {

    private static final String METRICS = """
            # HELP streamcdn_edge_requests_total Responses to /videos requests, by X-Cache status
            # TYPE streamcdn_edge_requests_total counter
            streamcdn_edge_requests_total{cache="hit",role="edge"} 1.2345E7
            streamcdn_edge_requests_total{cache="miss",role="edge"} 100.0
            streamcdn_edge_requests_total{cache="revalidated",role="edge"} 3.0
            streamcdn_edge_response_bytes_total{cache="hit",role="edge"} 9.9E10
            """;

    @Test
    void readsHitsAndMissesWhateverTheLabelOrder() {
        EdgeCounters counters = EdgeCounters.parse(METRICS.replace("{cache=\"miss\",role=\"edge\"}",
                "{role=\"edge\",cache=\"miss\"}"));

        assertThat(counters.hits()).isEqualTo(12_345_000);
        assertThat(counters.misses()).isEqualTo(100);
    }

    @Test
    void aRoundIsTheDifferenceOfTwoScrapes() {
        EdgeCounters before = new EdgeCounters(1000, 50);
        EdgeCounters after = new EdgeCounters(4000, 50);

        assertThat(after.minus(before)).isEqualTo(new EdgeCounters(3000, 0));
    }

    @Test
    void metricsWithoutTheCounterAreRefused() {
        assertThatThrownBy(() -> EdgeCounters.parse("# nothing here\n"))
                .hasMessageContaining("streamcdn_edge_requests_total");
    }
}
