package io.streamcdn.router.dns;

import io.streamcdn.router.dns.DnsMetrics.DropReason;
import io.streamcdn.router.dns.DnsMetrics.QueryType;
import io.streamcdn.router.dns.DnsMetrics.ResponseCode;
import io.streamcdn.router.routing.Edge;
import io.streamcdn.router.routing.RankedEdge;
import io.streamcdn.router.routing.Routing;
import io.streamcdn.router.routing.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns one DNS query into its response: a pure function of (query bytes, client address, transport) and the
 * routing's current view, with no sockets, so every rule is testable on its own. {@link DnsServer} is the shell.
 *
 * <p>The rules, in the order they apply:
 * <ol>
 *   <li>Bytes that do not parse as a DNS message, and DNS responses (QR set), get no answer at all: answering
 *       garbage helps nobody, and answering a response could loop with another server. Both are counted.</li>
 *   <li>Opcodes other than QUERY get NOTIMP; a query without exactly one question, FORMERR; EDNS above version
 *       0, BADVERS (RFC 6891).</li>
 *   <li>Names outside the zone, classes other than IN and zone transfers get REFUSED, without AA: we are not
 *       authoritative for them.</li>
 *   <li>Names in the zone get authoritative (AA) answers, as {@link AuthoritativeZone} lays them out. Negative
 *       answers (NXDOMAIN and NODATA) carry the SOA in the authority section (RFC 2308).</li>
 *   <li>A routing name's A or AAAA answers the addresses, of that family, of the best-ranked edge that has any
 *       address; when no edge is available the answer is SERVFAIL, which resolvers retry, rather than a
 *       negative answer they would cache.</li>
 * </ol>
 *
 * <p>The viewer is located by the EDNS Client Subnet (RFC 7871) when the query carries one with a non-zero
 * source prefix, else by the address the packet came from (usually a recursive resolver's).
 */
final class DnsResponder {

    /** The transport a query came by: it decides how large the response may be. */
    enum Transport { UDP, TCP }

    /** A UDP response's size limit for a client that sent no OPT record (RFC 1035). */
    static final int CLASSIC_UDP_PAYLOAD = 512;
    /**
     * The largest UDP response we send, whatever the client offers: 1232 bytes avoids IP fragmentation on
     * common paths (the DNS Flag Day 2020 value). Larger answers are truncated (TC) and retried over TCP.
     */
    static final int MAX_UDP_PAYLOAD = 1232;
    private static final int TCP_PAYLOAD = 65_535;

    private static final Logger log = LoggerFactory.getLogger(DnsResponder.class);

    private final AuthoritativeZone zone;
    private final Routing routing;
    private final DnsMetrics metrics;
    private final AtomicBoolean routingFailureLogged = new AtomicBoolean();

    DnsResponder(AuthoritativeZone zone, Routing routing, DnsMetrics metrics) {
        this.zone = zone;
        this.routing = routing;
        this.metrics = metrics;
    }

    /** The response to {@code query}, or empty when it deserves none (see the class comment). */
    Optional<byte[]> respond(byte[] query, InetAddress client, Transport transport) {
        Message request;
        try {
            request = parse(query);
        } catch (IOException | RuntimeException e) {
            // DEBUG, not WARN: a flood of garbage must not become a flood of log lines. The counter shows it.
            log.debug("dropped a malformed DNS packet of {} bytes from {}: {}", query.length,
                    client.getHostAddress(), e.getMessage());
            metrics.dropped(DropReason.MALFORMED);
            return Optional.empty();
        }
        if (request.getHeader().getFlag(Flags.QR)) {
            log.debug("dropped a DNS response sent to us by {}", client.getHostAddress());
            metrics.dropped(DropReason.RESPONSE);
            return Optional.empty();
        }
        Exchange exchange = new Exchange(request, client);
        answer(exchange);
        metrics.answered(exchange.type, exchange.rcode);
        return Optional.of(exchange.toWire(transport));
    }

    /**
     * Parses a query, all of it. dnsjava forgives a message whose TC flag is set for ending early (a truncated
     * response is still useful to a client); a query has no such excuse, so every section must be complete, and
     * nothing may follow the last one.
     */
    private static Message parse(byte[] query) throws IOException {
        Message request = new Message(query);
        for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
            if (request.getSection(section).size() != request.getHeader().getCount(section)) {
                throw new WireParseException("the " + Section.string(section) + " section ends early");
            }
        }
        if (request.numBytes() != query.length) {
            throw new WireParseException((query.length - request.numBytes()) + " bytes follow the message");
        }
        return request;
    }

    private void answer(Exchange x) {
        Header header = x.request.getHeader();
        if (header.getOpcode() != Opcode.QUERY) {
            x.fail(ResponseCode.NOTIMP);
            return;
        }
        List<Record> opts = x.request.getSection(Section.ADDITIONAL).stream()
                .filter(r -> r.getType() == Type.OPT).toList();
        if (header.getCount(Section.QUESTION) != 1 || opts.size() > 1) {
            x.fail(ResponseCode.FORMERR);
            return;
        }
        if (x.requestOpt != null && x.requestOpt.getVersion() != 0) {
            x.fail(ResponseCode.BADVERS);
            return;
        }
        Record question = x.request.getQuestion();
        Name name = question.getName();
        int type = question.getType();
        AuthoritativeZone.Place place = zone.place(name);
        if (place == AuthoritativeZone.Place.OUTSIDE || question.getDClass() != DClass.IN
                || type == Type.AXFR || type == Type.IXFR) {
            x.fail(ResponseCode.REFUSED);
            return;
        }
        x.authoritative();
        switch (place) {
            case NONEXISTENT -> x.negative(ResponseCode.NXDOMAIN, zone.soa());
            case NAMESERVER -> x.answerOrNoData(switch (type) {
                case Type.A -> zone.nameserverRecords(name, false);
                case Type.AAAA -> zone.nameserverRecords(name, true);
                case Type.ANY -> concat(zone.nameserverRecords(name, false), zone.nameserverRecords(name, true));
                default -> List.of();
            }, zone.soa());
            case APEX -> {
                switch (type) {
                    case Type.SOA -> x.answer(List.of(zone.soa()));
                    case Type.NS -> {
                        x.answer(List.of(zone.ns()));
                        x.additional(concat(zone.nameserverRecords(zone.nameserver(), false),
                                zone.nameserverRecords(zone.nameserver(), true)));
                    }
                    // RFC 8482: an ANY query may be answered with a subset; the apex's own records are cheapest.
                    case Type.ANY -> x.answer(List.of(zone.soa(), zone.ns()));
                    case Type.A, Type.AAAA -> route(x, name, type);
                    default -> x.negative(ResponseCode.NOERROR, zone.soa());
                }
            }
            case ROUTING_NAME -> {
                switch (type) {
                    case Type.A, Type.AAAA -> route(x, name, type);
                    case Type.ANY -> route(x, name, Type.A);
                    default -> x.negative(ResponseCode.NOERROR, zone.soa());
                }
            }
            default -> throw new IllegalStateException("unhandled place " + place);
        }
    }

    private void route(Exchange x, Name name, int type) {
        InetAddress locateBy = x.client;
        if (x.clientSubnet != null && x.clientSubnet.getSourcePrefixLength() > 0) {
            locateBy = x.clientSubnet.getAddress();
            metrics.locatedByClientSubnet();
            // The answer was chosen for the subnet the resolver sent, so that is the scope it may be reused for.
            // Our location data (coverage zones, GeoIP networks) may be coarser, but we cannot see which prefix
            // decided, and a scope wider than the source would let the resolver hand this edge to neighbours
            // that the routing would have sent elsewhere. Narrower caching costs only a few more queries.
            x.scope = x.clientSubnet.getSourcePrefixLength();
        }
        Optional<Edge> edge;
        try {
            Viewer viewer = routing.locate(locateBy);
            // An edge with no address (its URL's host did not resolve) cannot be answered by DNS: skip it.
            edge = routing.rank(viewer, zone.routingKey(name)).stream().map(RankedEdge::edge)
                    .filter(e -> !e.addresses().isEmpty()).findFirst();
        } catch (RuntimeException e) {
            // A bug in routing: tell the operator once at WARN, then only at DEBUG, since every query would repeat it.
            if (routingFailureLogged.compareAndSet(false, true)) {
                log.warn("routing failed while answering {} (answering SERVFAIL; later failures log at DEBUG)", name, e);
            } else {
                log.debug("routing failed while answering {}", name, e);
            }
            edge = Optional.empty();
        }
        if (edge.isEmpty()) {
            x.unauthoritative();
            x.fail(ResponseCode.SERVFAIL);
            return;
        }
        List<Record> records = new ArrayList<>();
        for (InetAddress address : edge.get().addresses()) {
            if (type == Type.A && address instanceof Inet4Address) {
                records.add(new ARecord(name, DClass.IN, AuthoritativeZone.ROUTING_TTL_SECONDS, address));
            } else if (type == Type.AAAA && address instanceof Inet6Address) {
                records.add(new AAAARecord(name, DClass.IN, AuthoritativeZone.ROUTING_TTL_SECONDS, address));
            }
        }
        // Only the best edge's addresses, even when it lacks this family: answering AAAA from another edge would
        // split one video's dual-stack viewers over two caches.
        x.answerOrNoData(records, zone.soa());
    }

    private static List<Record> concat(List<Record> first, List<Record> second) {
        List<Record> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** One query and the response being built for it. */
    private static final class Exchange {

        final Message request;
        final InetAddress client;
        final OPTRecord requestOpt;
        final ClientSubnetOption clientSubnet;
        final QueryType type;
        final Message response;
        ResponseCode rcode = ResponseCode.NOERROR;
        int scope;

        Exchange(Message request, InetAddress client) {
            this.request = request;
            this.client = client;
            this.requestOpt = request.getOPT();
            this.clientSubnet = requestOpt == null ? null : requestOpt.getOptions(EDNSOption.Code.CLIENT_SUBNET)
                    .stream().map(ClientSubnetOption.class::cast).findFirst().orElse(null);
            Record question = request.getQuestion();
            this.type = question == null ? QueryType.OTHER : switch (question.getType()) {
                case Type.A -> QueryType.A;
                case Type.AAAA -> QueryType.AAAA;
                case Type.SOA -> QueryType.SOA;
                case Type.NS -> QueryType.NS;
                default -> QueryType.OTHER;
            };
            Header requestHeader = request.getHeader();
            response = new Message(requestHeader.getID());
            Header header = response.getHeader();
            header.setFlag(Flags.QR);
            header.setOpcode(requestHeader.getOpcode());
            // RD is copied by RFC 1035; CD by RFC 4035 (3.1.6) even though we do not sign.
            for (int flag : new int[] {Flags.RD, Flags.CD}) {
                if (requestHeader.getFlag(flag)) {
                    header.setFlag(flag);
                }
            }
            if (question != null && requestHeader.getCount(Section.QUESTION) == 1) {
                // The question as asked, in its case: resolvers using DNS 0x20 check the case comes back unchanged.
                response.addRecord(question, Section.QUESTION);
            }
        }

        void authoritative() {
            response.getHeader().setFlag(Flags.AA);
        }

        void unauthoritative() {
            response.getHeader().unsetFlag(Flags.AA);
        }

        void fail(ResponseCode code) {
            rcode = code;
        }

        void answer(List<Record> records) {
            records.forEach(r -> response.addRecord(r, Section.ANSWER));
        }

        void additional(List<Record> records) {
            records.forEach(r -> response.addRecord(r, Section.ADDITIONAL));
        }

        void answerOrNoData(List<Record> records, Record soa) {
            if (records.isEmpty()) {
                negative(ResponseCode.NOERROR, soa);
            } else {
                answer(records);
            }
        }

        /** NXDOMAIN, or NOERROR with no answer (NODATA): the SOA goes along so resolvers know how long to cache it. */
        void negative(ResponseCode code, Record soa) {
            rcode = code;
            response.addRecord(soa, Section.AUTHORITY);
        }

        byte[] toWire(Transport transport) {
            int value = switch (rcode) {
                case NOERROR -> Rcode.NOERROR;
                case NXDOMAIN -> Rcode.NXDOMAIN;
                case REFUSED -> Rcode.REFUSED;
                case SERVFAIL -> Rcode.SERVFAIL;
                case FORMERR -> Rcode.FORMERR;
                case NOTIMP -> Rcode.NOTIMP;
                case BADVERS -> Rcode.BADVERS;
            };
            // The header holds the low 4 bits of the code; EDNS's OPT record holds the rest (BADVERS is 16).
            response.getHeader().setRcode(value & 0xF);
            int limit = transport == Transport.TCP ? TCP_PAYLOAD : CLASSIC_UDP_PAYLOAD;
            if (requestOpt != null) {
                List<EDNSOption> options = new ArrayList<>();
                if (clientSubnet != null) {
                    // RFC 7871 7.2.1: family, source prefix and address echo the query's; scope 0 means the answer
                    // does not depend on the subnet (apex, negative and error answers).
                    options.add(new ClientSubnetOption(clientSubnet.getSourcePrefixLength(), scope,
                            clientSubnet.getAddress()));
                }
                // The DO bit is echoed (RFC 3225) although we sign nothing, so validators see EDNS worked.
                int flags = requestOpt.getFlags() & ExtendedFlags.DO;
                response.addRecord(new OPTRecord(MAX_UDP_PAYLOAD, value >> 4, 0, flags, options), Section.ADDITIONAL);
                if (transport == Transport.UDP) {
                    limit = Math.max(CLASSIC_UDP_PAYLOAD, Math.min(MAX_UDP_PAYLOAD, requestOpt.getPayloadSize()));
                }
            }
            // Past the limit, dnsjava drops whole RRsets and sets TC, and the client retries over TCP.
            return response.toWire(limit);
        }
    }
}
