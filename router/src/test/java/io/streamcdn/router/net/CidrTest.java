package io.streamcdn.router.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    private static InetAddress ip(String text) {
        return Cidr.literal(text).orElseThrow();
    }

    @Test
    void networksContainTheirAddressesOnlyIpv4AndIpv6() {
        Cidr v4 = Cidr.parse("81.2.69.0/24");
        Cidr v6 = Cidr.parse("2001:db8::/32");

        assertThat(v4.contains(ip("81.2.69.142"))).isTrue();
        assertThat(v4.contains(ip("81.2.70.1"))).isFalse();
        assertThat(v4.contains(ip("2001:db8::1"))).isFalse();
        assertThat(v6.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(v6.contains(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("192.0.2.7").contains(ip("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    }

    @Test
    void onlyAddressLiteralsAreAcceptedNeverHostNames() {
        assertThat(Cidr.literal("localhost")).isEmpty();
        assertThat(Cidr.literal("256.1.1.1")).isEmpty();
        assertThat(Cidr.literal("[2001:db8::1]")).isPresent();
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).hasMessageContaining("is not a network");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix length");
    }
}
