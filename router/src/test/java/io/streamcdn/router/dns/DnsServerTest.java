package io.streamcdn.router.dns;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.router.routing.Edge;
import io.streamcdn.router.routing.Routing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.streamcdn.router.dns.DnsResponderTest.address;
import static io.streamcdn.router.dns.DnsResponderTest.addresses;
import static io.streamcdn.router.dns.DnsResponderTest.clientSubnet;
import static io.streamcdn.router.dns.DnsResponderTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A running server on 127.0.0.1, asked by dnsjava's own resolver over UDP and TCP, and by raw sockets for what
 * no resolver would send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsServerTest {

    /** How each behaviour is asked: over UDP, or over TCP with its length prefix. */
    enum Transport { UDP, TCP }

    private static final String ZONE = "cdn.example.";

    private final Vertx vertx = Vertx.vertx();
    private SimpleMeterRegistry registry;
    private TwoRegionRouting routing;
    private DnsServer server;

    @BeforeEach
    void freshMetersAndRouting() {
        registry = new SimpleMeterRegistry();
        routing = TwoRegionRouting.standard();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            await(server.close());
            server = null;
        }
    }

    @AfterAll
    void stopVertx() throws Exception {
        await(vertx.close());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aAnswersTheFirstRankedEdgesAddressWithA30SecondTtl(Transport transport) throws Exception {
        start(routing);

        Message response = resolver(transport).send(query("video123.cdn.example.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(addresses(response)).containsExactly("198.51.100.20");
        assertThat(response.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
        assertThat(routing.located).contains(InetAddress.getLoopbackAddress());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientSubnetLocatesTheViewerAndIsEchoedWithItsScope(Transport transport) throws Exception {
        start(routing);
        SimpleResolver resolver = resolver(transport);
        resolver.setEDNS(0, 0, 0, List.of(new ClientSubnetOption(24, address("81.2.69.0"))));

        Message a = resolver.send(query("video123.cdn.example.", Type.A));
        Message aaaa = resolver.send(query("video123.cdn.example.", Type.AAAA));

        assertThat(routing.located).containsExactly(address("81.2.69.0"), address("81.2.69.0"));
        assertThat(addresses(a)).containsExactly("192.0.2.10");
        assertThat(addresses(aaaa)).containsExactly("2001:db8:0:0:0:0:0:10");
        ClientSubnetOption echoed = clientSubnet(a).orElseThrow();
        assertThat(echoed.getAddress()).isEqualTo(address("81.2.69.0"));
        assertThat(echoed.getSourcePrefixLength()).isEqualTo(24);
        assertThat(echoed.getScopePrefixLength()).isEqualTo(24);
        assertThat(registry.get("streamcdn.router.dns.ecs").counter().count()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theApexAnswersSoaAndNs(Transport transport) throws Exception {
        start(routing);
        SimpleResolver resolver = resolver(transport);

        Message soa = resolver.send(query(ZONE, Type.SOA));
        Message ns = resolver.send(query(ZONE, Type.NS));

        assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(soa.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(ns.getSection(Section.ANSWER)).singleElement()
                .satisfies(r -> assertThat(((NSRecord) r).getTarget().toString()).isEqualTo("ns1.cdn.example."));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unknownNamesAreNxdomainWithTheSoaAndOutsideNamesAreRefused(Transport transport) throws Exception {
        start(routing);
        SimpleResolver resolver = resolver(transport);

        Message unknown = resolver.send(query("a.b.cdn.example.", Type.A));
        Message outside = resolver.send(query("www.example.org.", Type.A));

        assertThat(unknown.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(unknown.getSection(Section.AUTHORITY)).singleElement().isInstanceOf(SOARecord.class);
        assertThat(outside.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(outside.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(queries("A", "NXDOMAIN")).isEqualTo(1);
        assertThat(queries("A", "REFUSED")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void noAvailableEdgeIsServfail(Transport transport) throws Exception {
        start(new DnsResponderTest.FixedRouting(List.of()));

        Message response = resolver(transport).send(query("video123.cdn.example.", Type.A));

        assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(queries("A", "SERVFAIL")).isEqualTo(1);
    }

    @Test
    void anAnswerTooLargeForUdpIsTruncatedAndTheResolverGetsItWholeOverTcp() throws Exception {
        String[] many = IntStream.rangeClosed(1, 100).mapToObj(i -> "198.51.100." + i).toArray(String[]::new);
        Edge big = TwoRegionRouting.edge("big", TwoRegionRouting.NEW_YORK, many);
        start(new DnsResponderTest.FixedRouting(List.of(big)));

        byte[] udp = exchangeUdp(query("video123.cdn.example.", Type.A).toWire());
        Message whole = resolver(Transport.UDP).send(query("video123.cdn.example.", Type.A));

        assertThat(new Message(udp).getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void malformedUdpPacketsAreDroppedAndCountedAndTheNextQueryIsAnswered() throws Exception {
        start(routing);
        byte[] valid = query("video123.cdn.example.", Type.A).toWire();
        try (DatagramSocket socket = new DatagramSocket(); CapturedLog log = new CapturedLog(DnsResponder.class)) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
            List<byte[]> bad = List.of(new byte[0], "not dns at all".getBytes(), Arrays.copyOf(valid, valid.length - 3));
            for (int i = 0; i < 50; i++) {
                for (byte[] packet : bad) {
                    socket.send(new DatagramPacket(packet, packet.length, target));
                }
            }

            Message answer = resolver(Transport.UDP).send(query("video123.cdn.example.", Type.A));

            assertThat(addresses(answer)).containsExactly("198.51.100.20");
            eventually(() -> assertThat(dropped("malformed")).isEqualTo(150));
            // A flood is visible in the counter, not in the operator's log.
            assertThat(log.lines(Level.WARN)).isEmpty();
            assertThat(log.lines(Level.INFO)).isEmpty();
        }
    }

    @Test
    void aTcpConnectionSendingGarbageIsClosedAndCountedAndTheServerKeepsAnswering() throws Exception {
        start(routing);

        // A framed message that is not DNS: the connection is closed at once.
        try (Socket socket = tcp()) {
            byte[] garbage = "definitely not a DNS message".getBytes();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(garbage.length);
            out.write(garbage);
            out.flush();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        // A zero-length message: closed too.
        try (Socket socket = tcp()) {
            socket.getOutputStream().write(new byte[] {0, 0});
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        // A length prefix promising more than is ever sent, then the client gives up.
        try (Socket socket = tcp()) {
            socket.getOutputStream().write(new byte[] {0x47, 0x45, 0x54});
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }

        eventually(() -> {
            assertThat(dropped("malformed")).isEqualTo(2);
            assertThat(dropped("incomplete")).isEqualTo(1);
        });
        Message answer = resolver(Transport.TCP).send(query("video123.cdn.example.", Type.A));
        assertThat(addresses(answer)).containsExactly("198.51.100.20");
    }

    @Test
    void oneTcpConnectionCarriesSeveralQueriesAnsweredInOrder() throws Exception {
        start(routing);
        Message first = query("one.cdn.example.", Type.A);
        Message second = query(ZONE, Type.SOA);

        try (Socket socket = tcp()) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            for (Message query : List.of(first, second)) {
                byte[] wire = query.toWire();
                out.writeShort(wire.length);
                out.write(wire);
            }
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());

            Message one = readFramed(in);
            Message two = readFramed(in);

            assertThat(one.getHeader().getID()).isEqualTo(first.getHeader().getID());
            assertThat(addresses(one)).containsExactly("198.51.100.20");
            assertThat(two.getHeader().getID()).isEqualTo(second.getHeader().getID());
            assertThat(two.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
        }
    }

    @Test
    void startUpIsLoggedWithTheZoneAndPortAndCloseFreesThePort() throws Exception {
        try (CapturedLog log = new CapturedLog(DnsServer.class)) {
            start(routing);
            int port = server.port();

            assertThat(log.lines(Level.INFO)).singleElement().asString()
                    .contains("cdn.example.").contains(":" + port).contains("UDP and TCP");

            await(server.close());
            server = null;
            // Both transports are released: a new server binds the same number.
            DnsServer again = new DnsServer(vertx, ZONE, routing, new SimpleMeterRegistry());
            await(again.listen("127.0.0.1", port));
            assertThat(again.port()).isEqualTo(port);
            server = again;
        }
    }

    @Test
    void aPortTakenOnTcpIsAnErrorNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DnsServer blocked = new DnsServer(vertx, ZONE, routing, registry);

            assertThatThrownBy(() -> await(blocked.listen("127.0.0.1", taken.getLocalPort())))
                    .hasRootCauseInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--dns-port");
        }
    }

    // --- helpers ---

    private void start(Routing routing) throws Exception {
        server = await(new DnsServer(vertx, ZONE, routing, registry).listen("127.0.0.1", 0));
    }

    private SimpleResolver resolver(Transport transport) throws IOException {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(server.port());
        resolver.setTCP(transport == Transport.TCP);
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver;
    }

    private Socket tcp() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(3000);
        return socket;
    }

    private byte[] exchangeUdp(byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            socket.send(new DatagramPacket(query, query.length, new InetSocketAddress("127.0.0.1", server.port())));
            DatagramPacket response = new DatagramPacket(new byte[4096], 4096);
            socket.receive(response);
            return Arrays.copyOf(response.getData(), response.getLength());
        }
    }

    private static Message readFramed(DataInputStream in) throws IOException {
        byte[] wire = new byte[in.readUnsignedShort()];
        in.readFully(wire);
        return new Message(wire);
    }

    private double queries(String type, String rcode) {
        return registry.get("streamcdn.router.dns.queries").tags("type", type, "rcode", rcode).counter().count();
    }

    private double dropped(String reason) {
        return registry.get("streamcdn.router.dns.dropped").tag("reason", reason).counter().count();
    }

    /** Counters move on the server's event loop, a moment after the client's last packet. */
    private static void eventually(Runnable assertion) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
