package io.streamcdn.router.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The router's decision meters. Labels: the chosen edge's name (a bounded set: the edges the operator runs),
 * the reason, and the front end; never a viewer address or a video id.
 * <pre>
 *   streamcdn_router_decisions_total{edge,reason,api}   redirects and route answers, by chosen edge and reason
 *   streamcdn_router_no_edge_total{api}                 requests answered 503 (no edge available)
 *   streamcdn_router_refused_total{api}                 requests answered 400 (no usable client address)
 *   streamcdn_router_lookup_seconds                     locate + rank time per decision (histogram)
 *   streamcdn_router_requests_total{route,code}         every answer, by route template and status code
 * </pre>
 * The last one stands in for Vert.x's per-request HTTP server metrics, which the router turns off (see
 * {@code RoleRuntime}): one counter increment per request instead of five meter lookups.
 * <pre>
 * </pre>
 */
public final class RouterMetrics {

    private final MeterRegistry registry;
    /** Keyed by a record, not a joined string: looked up on every decision, so no string is built per request. */
    private final Map<DecisionKey, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Map<String, Counter> noEdge = new ConcurrentHashMap<>();
    private final Timer lookup;
    private final Map<Answer, Counter> answers = new ConcurrentHashMap<>();

    public RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lookup = Timer.builder("streamcdn.router.lookup").description("Time to locate a viewer and rank the edges")
                .publishPercentileHistogram().register(registry);
        for (String api : new String[] {"redirect", "route"}) {
            noEdge(api);
            refused.put(api, Counter.builder("streamcdn.router.refused").tag("api", api)
                    .description("Requests answered 400 because they named no usable client address").register(registry));
        }
    }

    private record Answer(String route, int code) {
    }

    /** One answer on {@code route} (a route template such as {@code /videos/:id/*}, or {@code other}). */
    public void answered(String route, int code) {
        answers(route, code).increment();
    }

    /** The counter of answers with {@code code} on {@code route}, for a caller that counts many and holds it. */
    public Counter answers(String route, int code) {
        Answer key = new Answer(route, code);
        Counter counter = answers.get(key);
        if (counter == null) {
            counter = answers.computeIfAbsent(key, k -> Counter.builder("streamcdn.router.requests")
                    .tag("route", route).tag("code", Integer.toString(code))
                    .description("Requests answered, by route template and status code").register(registry));
        }
        return counter;
    }

    private record DecisionKey(String edge, String reason, String api) {
    }

    public void decided(String edge, String reason, String api) {
        DecisionKey key = new DecisionKey(edge, reason, api);
        Counter counter = decisions.get(key);
        if (counter == null) {
            counter = decisions.computeIfAbsent(key, k -> Counter.builder("streamcdn.router.decisions")
                    .tag("edge", edge).tag("reason", reason).tag("api", api)
                    .description("Viewers sent to an edge, by edge, reason and front end").register(registry));
        }
        counter.increment();
    }

    public void refused(String api) {
        refused.get(api).increment();
    }

    public void noEdge(String api) {
        noEdge.computeIfAbsent(api, a -> Counter.builder("streamcdn.router.no.edge").tag("api", a)
                .description("Requests answered 503 because no edge was available").register(registry));
    }

    public void noEdgeAnswered(String api) {
        noEdge(api);
        noEdge.get(api).increment();
    }

    public void lookup(long nanos) {
        lookup.record(nanos, TimeUnit.NANOSECONDS);
    }
}
