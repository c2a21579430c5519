package io.streamcdn.router.dns;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The series an operator scrapes: named as the README says, present at zero before the first query. */
class DnsMetricsTest {

    @Test
    void everySeriesIsScrapedUnderItsPrometheusNameFromTheStart() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DnsMetrics metrics = new DnsMetrics(registry);
        metrics.answered(DnsMetrics.QueryType.AAAA, DnsMetrics.ResponseCode.NXDOMAIN);
        metrics.dropped(DnsMetrics.DropReason.MALFORMED);
        metrics.locatedByClientSubnet();

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("streamcdn_router_dns_queries_total{rcode=\"NXDOMAIN\",type=\"AAAA\"} 1.0")
                .contains("streamcdn_router_dns_queries_total{rcode=\"SERVFAIL\",type=\"other\"} 0.0")
                .contains("streamcdn_router_dns_dropped_total{reason=\"malformed\"} 1.0")
                .contains("streamcdn_router_dns_dropped_total{reason=\"incomplete\"} 0.0")
                .contains("streamcdn_router_dns_ecs_total 1.0");
    }
}
