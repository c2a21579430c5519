package io.streamcdn.router;

import io.streamcdn.router.testing.StubEdge;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router's DNS front end with the real registry, health checks and GeoIP: dnsjava's own resolver asks the
 * running router, with and without EDNS Client Subnet.
 */
class DnsRoutingTest {

    @Test
    void dnsAnswersTheNearestHealthyEdgesAddressUsingTheClientSubnet(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (StubEdge europe = new StubEdge(vertx); StubEdge america = new StubEdge(vertx)) {
            Path edges = Files.writeString(dir.resolve("edges.json"), new JsonObject().put("edges", new JsonArray()
                    .add(new JsonObject().put("name", "edge-eu").put("url", europe.url())
                            .put("addresses", new JsonArray().add("192.0.2.10"))
                            .put("location", new JsonObject().put("lat", 51.5).put("lon", -0.12)))
                    .add(new JsonObject().put("name", "edge-us").put("url", america.url())
                            .put("addresses", new JsonArray().add("198.51.100.20"))
                            .put("location", new JsonObject().put("lat", 47.6).put("lon", -122.3)))).encode());
            try (TestRouter router = TestRouter.start(b -> b.edgesFile(edges).geoip(TestRouter.GEOIP)
                    .defaultLocation("47.6,-122.3").dns(0, "cdn.test").dnsNameserverAddresses("203.0.113.53"))) {
                router.await(TestRouter.available("edge-eu", true), "edge-eu available");
                router.await(TestRouter.available("edge-us", true), "edge-us available");
                SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
                resolver.setPort(router.dnsPort());
                resolver.setTimeout(Duration.ofSeconds(3));

                Message plain = resolver.send(query("video001.cdn.test.", Type.A, null));
                Message fromLondon = resolver.send(query("video001.cdn.test.", Type.A,
                        new ClientSubnetOption(28, InetAddress.getByName("81.2.69.144"))));
                resolver.setTCP(true);
                Message overTcp = resolver.send(query("video001.cdn.test.", Type.A,
                        new ClientSubnetOption(28, InetAddress.getByName("81.2.69.144"))));
                Message outside = resolver.send(query("video001.example.org.", Type.A, null));
                Message deeper = resolver.send(query("a.b.cdn.test.", Type.A, null));
                Message nameserver = resolver.send(query("ns1.cdn.test.", Type.A, null));
                Message delegation = resolver.send(query("cdn.test.", Type.NS, null));

                assertThat(addresses(plain)).containsExactly("198.51.100.20"); // 127.0.0.1: the default location
                assertThat(addresses(fromLondon)).containsExactly("192.0.2.10");
                assertThat(fromLondon.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
                List<EDNSOption> echoed = fromLondon.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET);
                assertThat(((ClientSubnetOption) echoed.get(0)).getScopePrefixLength()).isEqualTo(28);
                assertThat(addresses(overTcp)).containsExactly("192.0.2.10");
                assertThat(outside.getRcode()).isEqualTo(Rcode.REFUSED);
                assertThat(deeper.getRcode()).isEqualTo(Rcode.NXDOMAIN);
                // The name server's own name answers the configured address, never an edge's, and NS carries it as glue.
                assertThat(addresses(nameserver)).containsExactly("203.0.113.53");
                assertThat(delegation.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.A)
                        .map(r -> ((ARecord) r).getAddress().getHostAddress())).containsExactly("203.0.113.53");
                assertThat(router.metric("streamcdn_router_dns_queries_total")).isGreaterThanOrEqualTo(5);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Message query(String name, int type, ClientSubnetOption subnet) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (subnet != null) {
            query.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, 0, List.of(subnet)), Section.ADDITIONAL);
        }
        return query;
    }

    private static List<String> addresses(Message response) {
        return response.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }
}
