package io.streamcdn.router.dns;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.router.dns.DnsResponder.Transport;
import io.streamcdn.router.net.Cidr;
import io.streamcdn.router.routing.Edge;
import io.streamcdn.router.routing.RankedEdge;
import io.streamcdn.router.routing.Routing;
import io.streamcdn.router.routing.Viewer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The responder's rules, one query at a time, without sockets. */
class DnsResponderTest {

    private static final String ZONE = "cdn.example.";
    /** A recursive resolver in America (outside the test routing's European network). */
    private static final InetAddress RESOLVER = address("203.0.113.53");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TwoRegionRouting routing = TwoRegionRouting.standard();
    private final DnsResponder responder = responder(routing, List.of());

    @Test
    void aAnswersTheFirstRankedEdgesIpv4AddressWithA30SecondTtl() {
        Message response = ask(query("video123.cdn.example.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(addresses(response)).containsExactly("198.51.100.20");
        assertThat(response.getSection(Section.ANSWER)).allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(30));
        assertThat(routing.located).containsExactly(RESOLVER);
        assertThat(routing.keys).containsExactly("video123");
        assertThat(queries("A", "NOERROR")).isEqualTo(1);
    }

    @Test
    void aaaaAnswersTheFirstRankedEdgesIpv6Addresses() {
        Message response = ask(query("video123.cdn.example.", Type.AAAA), address("81.2.69.7"), Transport.UDP);

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(response)).containsExactly("2001:db8:0:0:0:0:0:10");
        assertThat(response.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
    }

    @Test
    void aaaaIsNoDataWithTheSoaWhenTheBestEdgeHasNoIpv6EvenIfAFartherOneHas() {
        Message response = ask(query("video123.cdn.example.", Type.AAAA));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
    }

    @Test
    void theRoutingKeyIgnoresTheCaseResolversRandomiseButTheAnswerKeepsIt() {
        Message response = ask(query("ViDeO123.CDN.example.", Type.A));

        assertThat(routing.keys).containsExactly("video123");
        assertThat(response.getQuestion().getName().toString()).isEqualTo("ViDeO123.CDN.example.");
        assertThat(response.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("ViDeO123.CDN.example.");
    }

    @Test
    void theApexAnswersSoaAndNsAndRoutesItsOwnAddresses() {
        Message soa = ask(query(ZONE, Type.SOA));
        assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
        SOARecord record = (SOARecord) soa.getSection(Section.ANSWER).get(0);
        assertThat(record.getHost()).isEqualTo(name("ns1.cdn.example."));
        assertThat(record.getAdmin()).isEqualTo(name("hostmaster.cdn.example."));
        assertThat(record.getMinimum()).isEqualTo(30);
        assertThat(record.getSerial()).isPositive();

        Message ns = ask(query(ZONE, Type.NS));
        assertThat(ns.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((NSRecord) r).getTarget()).isEqualTo(name("ns1.cdn.example.")));

        assertThat(addresses(ask(query(ZONE, Type.A)))).containsExactly("198.51.100.20");
        assertThat(queries("SOA", "NOERROR")).isEqualTo(1);
        assertThat(queries("NS", "NOERROR")).isEqualTo(1);
    }

    @Test
    void nsAnswersCarryGlueOnlyWhenTheNameServersAddressesAreKnown() {
        assertThat(ask(query(ZONE, Type.NS)).getSection(Section.ADDITIONAL)).isEmpty();

        DnsResponder withAddresses = responder(routing, List.of(address("192.0.2.53"), address("2001:db8::53")));
        Message ns = ask(withAddresses, query(ZONE, Type.NS), RESOLVER, Transport.UDP);
        assertThat(ns.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString)
                .containsExactly("192.0.2.53", "2001:db8:0:0:0:0:0:53");
        assertThat(addresses(ask(withAddresses, query("ns1.cdn.example.", Type.A), RESOLVER, Transport.UDP)))
                .containsExactly("192.0.2.53");
    }

    @Test
    void theNameServersNameNeverRoutesToAnEdge() {
        Message response = ask(query("ns1.cdn.example.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(routing.keys).isEmpty();
    }

    @Test
    void namesDeeperThanOneLabelAreNxdomainWithTheSoa() {
        Message response = ask(query("a.video123.cdn.example.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(queries("A", "NXDOMAIN")).isEqualTo(1);
    }

    @Test
    void namesOutsideTheZoneAreRefusedWithoutAuthority() {
        for (String outside : List.of("example.", "xcdn.example.", "video.other.example.", ".")) {
            Message response = ask(query(outside, Type.A));
            assertThat(response.getRcode()).as(outside).isEqualTo(Rcode.REFUSED);
            assertThat(response.getHeader().getFlag(Flags.AA)).as(outside).isFalse();
            assertThat(response.getSection(Section.ANSWER)).as(outside).isEmpty();
        }
        assertThat(queries("A", "REFUSED")).isEqualTo(4);
    }

    @Test
    void otherClassesAndZoneTransfersAreRefused() {
        Message chaos = Message.newQuery(Record.newRecord(name("video.cdn.example."), Type.TXT, DClass.CH));
        assertThat(ask(chaos).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(ask(query(ZONE, Type.AXFR)).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void otherTypesAtARoutingNameAreNoData() {
        Message response = ask(query("video123.cdn.example.", Type.MX));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(response.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(queries("other", "NOERROR")).isEqualTo(1);
    }

    @Test
    void noAvailableEdgeIsServfailWhichResolversRetryRatherThanCache() {
        DnsResponder noEdges = responder(new FixedRouting(List.of()), List.of());

        Message response = ask(noEdges, query("video123.cdn.example.", Type.A), RESOLVER, Transport.UDP);

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
        assertThat(queries("A", "SERVFAIL")).isEqualTo(1);
    }

    @Test
    void edgesWithoutAddressesAreSkipped() {
        Edge unresolved = TwoRegionRouting.edge("lost", TwoRegionRouting.AMSTERDAM);
        Edge nyc = TwoRegionRouting.edge("nyc", TwoRegionRouting.NEW_YORK, "198.51.100.20");
        DnsResponder skipping = responder(new FixedRouting(List.of(unresolved, nyc)), List.of());

        Message response = ask(skipping, query("video123.cdn.example.", Type.A), RESOLVER, Transport.UDP);

        assertThat(addresses(response)).containsExactly("198.51.100.20");
    }

    @Test
    void aRoutingFailureIsServfailNotACrash() {
        Routing broken = new Routing() {
            @Override
            public Viewer locate(InetAddress client) {
                throw new IllegalStateException("a bug");
            }

            @Override
            public List<RankedEdge> rank(Viewer viewer, String key) {
                return List.of();
            }
        };

        Message response = ask(responder(broken, List.of()), query("v.cdn.example.", Type.A), RESOLVER, Transport.UDP);

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void aClientSubnetLocatesTheViewerAndComesBackWithItsScope() {
        Message query = query("video123.cdn.example.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(24, address("81.2.69.0"))),
                Section.ADDITIONAL);

        Message response = ask(query);

        assertThat(routing.located).containsExactly(address("81.2.69.0"));
        assertThat(addresses(response)).containsExactly("192.0.2.10");
        ClientSubnetOption echoed = clientSubnet(response).orElseThrow();
        assertThat(echoed.getAddress()).isEqualTo(address("81.2.69.0"));
        assertThat(echoed.getSourcePrefixLength()).isEqualTo(24);
        assertThat(echoed.getScopePrefixLength()).isEqualTo(24);
        assertThat(registry.get("streamcdn.router.dns.ecs").counter().count()).isEqualTo(1);
    }

    @Test
    void aZeroLengthClientSubnetMeansLocateByTheResolverWithScopeZero() {
        Message query = query("video123.cdn.example.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(0, address("0.0.0.0"))),
                Section.ADDITIONAL);

        Message response = ask(query);

        assertThat(routing.located).containsExactly(RESOLVER);
        assertThat(clientSubnet(response).orElseThrow().getScopePrefixLength()).isZero();
        assertThat(registry.get("streamcdn.router.dns.ecs").counter().count()).isZero();
    }

    @Test
    void answersThatDoNotDependOnTheSubnetEchoItWithScopeZero() {
        Message query = query(ZONE, Type.SOA);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(24, address("81.2.69.0"))),
                Section.ADDITIONAL);

        ClientSubnetOption echoed = clientSubnet(ask(query)).orElseThrow();

        assertThat(echoed.getSourcePrefixLength()).isEqualTo(24);
        assertThat(echoed.getScopePrefixLength()).isZero();
        assertThat(routing.located).isEmpty();
    }

    @Test
    void anOptRecordIsEchoedOnlyWhenTheQueryHadOneAndKeepsTheDoBit() {
        assertThat(ask(query("v.cdn.example.", Type.A)).getOPT()).isNull();

        Message query = query("v.cdn.example.", Type.A);
        query.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        OPTRecord opt = ask(query).getOPT();

        assertThat(opt).isNotNull();
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
        assertThat(opt.getPayloadSize()).isEqualTo(DnsResponder.MAX_UDP_PAYLOAD);
    }

    @Test
    void theIdRdAndCdFlagsAreCopiedAndRaIsNotClaimed() {
        Message query = query("v.cdn.example.", Type.A);
        query.getHeader().setID(4242);
        query.getHeader().setFlag(Flags.CD);

        Message response = ask(query);

        assertThat(response.getHeader().getID()).isEqualTo(4242);
        assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.CD)).isTrue();
        assertThat(response.getHeader().getFlag(Flags.RA)).isFalse();

        Message noRecursion = query("v.cdn.example.", Type.A);
        noRecursion.getHeader().unsetFlag(Flags.RD);
        assertThat(ask(noRecursion).getHeader().getFlag(Flags.RD)).isFalse();
    }

    @Test
    void opcodesOtherThanQueryAreNotImplemented() {
        Message notify = query(ZONE, Type.SOA);
        notify.getHeader().setOpcode(Opcode.NOTIFY);

        assertThat(ask(notify).getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(queries("SOA", "NOTIMP")).isEqualTo(1);
    }

    @Test
    void aQueryWithoutExactlyOneQuestionIsAFormatError() {
        Message none = new Message();
        Message two = query("a.cdn.example.", Type.A);
        two.addRecord(Record.newRecord(name("b.cdn.example."), Type.A, DClass.IN), Section.QUESTION);

        assertThat(ask(none).getRcode()).isEqualTo(Rcode.FORMERR);
        Message response = ask(two);
        assertThat(response.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(response.getSection(Section.QUESTION)).isEmpty();
        assertThat(queries("A", "FORMERR") + queries("other", "FORMERR")).isEqualTo(2);
    }

    @Test
    void anEdnsVersionAboveZeroIsBadvers() {
        Message query = query("v.cdn.example.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);

        Message response = ask(query);

        assertThat(response.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(response.getOPT().getVersion()).isZero();
        assertThat(response.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void udpAnswersLargerThanTheClientAcceptsAreTruncatedAndTcpAnswersAreWhole() {
        String[] many = IntStream.rangeClosed(1, 60).mapToObj(i -> "198.51.100." + i).toArray(String[]::new);
        Edge big = TwoRegionRouting.edge("big", TwoRegionRouting.NEW_YORK, many);
        DnsResponder bigResponder = responder(new FixedRouting(List.of(big)), List.of());
        Message query = query("video123.cdn.example.", Type.A);

        byte[] udp = bigResponder.respond(query.toWire(), RESOLVER, Transport.UDP).orElseThrow();
        Message truncated = parse(udp);
        assertThat(udp.length).isLessThanOrEqualTo(512);
        assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();

        Message whole = parse(bigResponder.respond(query.toWire(), RESOLVER, Transport.TCP).orElseThrow());
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(60);

        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] edns = bigResponder.respond(query.toWire(), RESOLVER, Transport.UDP).orElseThrow();
        assertThat(edns.length).isGreaterThan(512).isLessThanOrEqualTo(DnsResponder.MAX_UDP_PAYLOAD);
        assertThat(parse(edns).getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void malformedPacketsAndResponsesGetNoAnswerAndAreCounted() {
        byte[] valid = query("v.cdn.example.", Type.A).toWire();
        byte[] truncated = Arrays.copyOf(valid, valid.length - 5);
        byte[] garbage = "GET / HTTP/1.1\r\nHost: cdn.example\r\n\r\n".getBytes();
        Message response = query("v.cdn.example.", Type.A);
        response.getHeader().setFlag(Flags.QR);

        // dnsjava would forgive a message with TC set for ending early; a query gets no such leniency.
        byte[] truncatedWithTc = truncated.clone();
        truncatedWithTc[2] |= 0x02;
        byte[] trailing = Arrays.copyOf(valid, valid.length + 4);

        for (byte[] packet : List.of(new byte[0], new byte[5], truncated, garbage, truncatedWithTc, trailing)) {
            assertThat(responder.respond(packet, RESOLVER, Transport.UDP)).isEmpty();
        }
        assertThat(responder.respond(response.toWire(), RESOLVER, Transport.UDP)).isEmpty();

        assertThat(dropped("malformed")).isEqualTo(6);
        assertThat(dropped("response")).isEqualTo(1);
        assertThat(responder.respond(valid, RESOLVER, Transport.UDP)).isPresent();
    }

    // --- helpers ---

    private DnsResponder responder(Routing routing, List<InetAddress> nameservers) {
        return new DnsResponder(AuthoritativeZone.of(ZONE, nameservers), routing, new DnsMetrics(registry));
    }

    private Message ask(Message query) {
        return ask(responder, query, RESOLVER, Transport.UDP);
    }

    private Message ask(Message query, InetAddress client, Transport transport) {
        return ask(responder, query, client, transport);
    }

    private static Message ask(DnsResponder responder, Message query, InetAddress client, Transport transport) {
        return parse(responder.respond(query.toWire(), client, transport).orElseThrow());
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new AssertionError("the response does not parse", e);
        }
    }

    static Message query(String name, int type) {
        return Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
    }

    static List<String> addresses(Message response) {
        List<String> addresses = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record instanceof ARecord a) {
                addresses.add(a.getAddress().getHostAddress());
            } else if (record instanceof org.xbill.DNS.AAAARecord aaaa) {
                addresses.add(aaaa.getAddress().getHostAddress());
            }
        }
        return addresses;
    }

    static Optional<ClientSubnetOption> clientSubnet(Message response) {
        OPTRecord opt = response.getOPT();
        return opt == null ? Optional.empty() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET).stream()
                .map(ClientSubnetOption.class::cast).findFirst();
    }

    private double queries(String type, String rcode) {
        return registry.get("streamcdn.router.dns.queries").tags("type", type, "rcode", rcode).counter().count();
    }

    private double dropped(String reason) {
        return registry.get("streamcdn.router.dns.dropped").tag("reason", reason).counter().count();
    }

    static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static InetAddress address(String literal) {
        return Cidr.literal(literal).orElseThrow();
    }

    /** Routing that ranks the same edges, in order, for everyone. */
    record FixedRouting(List<Edge> edges) implements Routing {

        @Override
        public Viewer locate(InetAddress client) {
            return new Viewer(client, Optional.empty(), Optional.empty(), Viewer.Source.DEFAULT);
        }

        @Override
        public List<RankedEdge> rank(Viewer viewer, String key) {
            return edges.stream().map(e -> new RankedEdge(e, -1, 0, "no-location")).toList();
        }
    }
}
