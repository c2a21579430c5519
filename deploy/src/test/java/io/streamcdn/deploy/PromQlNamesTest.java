package io.streamcdn.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromQlNamesTest {

    @Test
    void findsTheMetricsOfARatioWithGuardsAndIgnoresLabelsFunctionsAndKeywords() {
        String ratio = "(sum by (job, instance) (rate(streamcdn_edge_requests_total{cache=~\"hit|revalidated\"}[15m]))"
                + " / sum by (job, instance) (rate(vertx_http_server_requests_total[$__rate_interval]))) < 0.7"
                + " and on (instance) streamcdn_edge_cache_bytes > 1e3";

        assertThat(PromQlNames.of(ratio)).containsExactlyInAnyOrder("streamcdn_edge_requests_total",
                "vertx_http_server_requests_total", "streamcdn_edge_cache_bytes");
    }

    @Test
    void findsHistogramBucketsInsideQuantilesAndMetricsInsideScalar() {
        String expression = "histogram_quantile(0.99, sum by (instance, le) (rate(streamcdn_edge_upstream_latency_seconds_bucket[5m])))"
                + " / scalar(sum(rate(streamcdn_qoe_played_seconds_total[5m])))";

        assertThat(PromQlNames.of(expression)).containsExactlyInAnyOrder(
                "streamcdn_edge_upstream_latency_seconds_bucket", "streamcdn_qoe_played_seconds_total");
    }

    @Test
    void aBareSelectorWithLabelsIsOneName() {
        assertThat(PromQlNames.of("up{job=~\"streamcdn-.*\"} == 0")).containsExactly("up");
    }
}
