package io.streamcdn.router.dns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.router.dns.DnsResponder.Transport;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the DNS front end (Jazzer): arbitrary bytes go to {@link DnsResponder#respond}, the call the UDP
 * and TCP servers make for every message. Each one must be answered with a well-formed response to that query, or
 * dropped and counted as exactly one drop; an exception escaping would be a bug (the server would count it as an
 * internal failure and the client would get nothing).
 */
class DnsResponderFuzzTest {

    private static final InetAddress RESOLVER = address("203.0.113.53");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DnsResponder responder = new DnsResponder(
            AuthoritativeZone.of("cdn.example.", List.of(address("192.0.2.53"), address("2001:db8::53"))),
            TwoRegionRouting.standard(), new DnsMetrics(registry));

    @FuzzTest
    void everyMessageIsAnsweredWellFormedOrDroppedAndCounted(byte[] packet) throws IOException {
        for (Transport transport : Transport.values()) {
            double answeredBefore = total("streamcdn.router.dns.queries");
            double droppedBefore = total("streamcdn.router.dns.dropped");

            Optional<byte[]> response = responder.respond(packet.clone(), RESOLVER, transport);

            if (response.isEmpty()) {
                assertThat(total("streamcdn.router.dns.dropped")).as("dropped and counted").isEqualTo(droppedBefore + 1);
                assertThat(total("streamcdn.router.dns.queries")).isEqualTo(answeredBefore);
                continue;
            }
            assertThat(total("streamcdn.router.dns.queries")).as("answered and counted").isEqualTo(answeredBefore + 1);
            assertThat(total("streamcdn.router.dns.dropped")).isEqualTo(droppedBefore);
            Message query = new Message(packet);
            Message answer = new Message(response.get());
            assertThat(answer.getHeader().getFlag(Flags.QR)).as("a response").isTrue();
            assertThat(answer.getHeader().getID()).as("the query's id").isEqualTo(query.getHeader().getID());
            assertThat(answer.getHeader().getOpcode()).isEqualTo(query.getHeader().getOpcode());
            assertThat(answer.getSection(Section.QUESTION)).hasSizeLessThanOrEqualTo(1);
            int limit = transport == Transport.TCP ? 65_535 : query.getOPT() == null ? DnsResponder.CLASSIC_UDP_PAYLOAD
                    : Math.max(DnsResponder.CLASSIC_UDP_PAYLOAD,
                            Math.min(DnsResponder.MAX_UDP_PAYLOAD, query.getOPT().getPayloadSize()));
            assertThat(response.get().length).as("fits the transport").isLessThanOrEqualTo(limit);
        }
    }

    private double total(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
