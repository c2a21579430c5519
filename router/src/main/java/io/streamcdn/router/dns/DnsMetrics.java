package io.streamcdn.router.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;

/**
 * The DNS front end's meters. Every tag combination is registered up front, so dashboards see zeros rather than
 * gaps, and the tag values are closed sets (never a queried name):
 * <ul>
 *   <li>{@code streamcdn_router_dns_queries_total{type,rcode}}: answered queries, by question type
 *       ({@link QueryType}) and response code ({@link ResponseCode});</li>
 *   <li>{@code streamcdn_router_dns_dropped_total{reason}}: packets and TCP connections given no answer
 *       ({@link DropReason});</li>
 *   <li>{@code streamcdn_router_dns_ecs_total}: queries whose viewer was located by an EDNS Client Subnet
 *       rather than by the resolver's own address.</li>
 * </ul>
 */
final class DnsMetrics {

    /** The question types worth a series of their own; the rest are {@code other}. */
    enum QueryType { A, AAAA, SOA, NS, OTHER }

    /** The response codes this server sends. */
    enum ResponseCode { NOERROR, NXDOMAIN, REFUSED, SERVFAIL, FORMERR, NOTIMP, BADVERS }

    /** Why a packet got no answer. */
    enum DropReason {
        /** Not a DNS message at all: too short, or a section that does not parse. */
        MALFORMED,
        /** A DNS response (QR set) sent to us: answering it could start a loop between two servers. */
        RESPONSE,
        /** A TCP connection closed, or idle too long, in the middle of a length-prefixed message. */
        INCOMPLETE,
        /** An unexpected failure while answering: a bug, counted so it is seen. */
        INTERNAL
    }

    private final Map<String, Counter> queries = new HashMap<>();
    private final Map<DropReason, Counter> dropped = new HashMap<>();
    private final Counter ecs;

    DnsMetrics(MeterRegistry registry) {
        for (QueryType type : QueryType.values()) {
            for (ResponseCode rcode : ResponseCode.values()) {
                queries.put(key(type, rcode), Counter.builder("streamcdn.router.dns.queries")
                        .description("DNS queries answered, by question type and response code")
                        .tag("type", type == QueryType.OTHER ? "other" : type.name())
                        .tag("rcode", rcode.name())
                        .register(registry));
            }
        }
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, Counter.builder("streamcdn.router.dns.dropped")
                    .description("DNS packets or TCP connections dropped without an answer, by reason")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        ecs = Counter.builder("streamcdn.router.dns.ecs")
                .description("DNS queries whose viewer was located by its EDNS Client Subnet")
                .register(registry);
    }

    void answered(QueryType type, ResponseCode rcode) {
        queries.get(key(type, rcode)).increment();
    }

    void dropped(DropReason reason) {
        dropped.get(reason).increment();
    }

    void locatedByClientSubnet() {
        ecs.increment();
    }

    private static String key(QueryType type, ResponseCode rcode) {
        return type.name() + "/" + rcode.name();
    }
}
