package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RouterCountersTest {

    private static final String METRICS = """
            # TYPE streamcdn_router_requests_total counter
            streamcdn_router_requests_total{code="200",role="router",route="/metrics"} 7.0
            streamcdn_router_requests_total{code="302",role="router",route="/videos/:id/*"} 1005.0
            streamcdn_router_requests_total{code="400",role="router",route="/videos/:id/*"} 2.0
            streamcdn_router_requests_total{code="503",role="router",route="/api/route"} 9.0
            streamcdn_router_decisions_total{api="redirect",edge="edge-london",reason="nearest",role="router"} 600.0
            streamcdn_router_decisions_total{api="redirect",edge="edge-paris",reason="nearest",role="router"} 405.0
            streamcdn_router_decisions_total{api="route",edge="edge-paris",reason="nearest",role="router"} 50.0
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",role="router"} 3
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation",role="router"} 0.02
            jvm_gc_pause_seconds_count{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",role="router"} 1
            jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Metadata GC Threshold",gc="G1 Young Generation",role="router"} 0.005
            """;

    @Test
    void countsRedirectsAndOtherAnswersOnTheVideoRouteOnly() {
        RouterCounters counters = RouterCounters.parse(METRICS);

        assertThat(counters.redirects()).isEqualTo(1005);
        assertThat(counters.otherAnswers()).isEqualTo(2);
        assertThat(counters.decisions()).isEqualTo(1005);
    }

    @Test
    void sumsGcPausesOverEveryCause() {
        RouterCounters counters = RouterCounters.parse(METRICS);

        assertThat(counters.gcPauses()).isEqualTo(4);
        assertThat(counters.gcPauseSeconds()).isEqualTo(0.025, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aRouterThatAnsweredNothingYetHasZeroes() {
        assertThat(RouterCounters.parse("# nothing yet\n")).isEqualTo(new RouterCounters(0, 0, 0, 0, 0));
    }
}
