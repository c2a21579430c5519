package io.streamcdn.router.net;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {

    private final ClientAddress behindProxy = new ClientAddress(List.of(Cidr.parse("10.0.0.0/8")));

    private static String found(ClientAddress.Result result) {
        return ((ClientAddress.Found) result).address().getHostAddress();
    }

    @Test
    void theConnectionsAddressUnlessATrustedProxyForwardedIt() {
        assertThat(found(behindProxy.resolve("203.0.113.9", "81.2.69.142"))).isEqualTo("203.0.113.9");
        assertThat(found(behindProxy.resolve("10.0.0.5", "81.2.69.142"))).isEqualTo("81.2.69.142");
        assertThat(found(behindProxy.resolve("10.0.0.5", null))).isEqualTo("10.0.0.5");
    }

    @Test
    void forwardedForIsReadFromTheRightSkippingTrustedHops() {
        // The client may prepend anything; only what trusted proxies appended counts.
        assertThat(found(behindProxy.resolve("10.0.0.5", "1.2.3.4, 81.2.69.142, 10.9.9.9"))).isEqualTo("81.2.69.142");
        assertThat(found(behindProxy.resolve("10.0.0.5", "81.2.69.142:5050"))).isEqualTo("81.2.69.142");
        assertThat(found(behindProxy.resolve("10.0.0.5", "[2001:db8::1]:443"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void emptyHopsCountAsTheyAlwaysHave() {
        // Trailing commas are ignored; an empty hop anywhere else, or an empty header, names no address.
        assertThat(found(behindProxy.resolve("10.0.0.5", "81.2.69.142,,"))).isEqualTo("81.2.69.142");
        assertThat(found(behindProxy.resolve("10.0.0.5", ",81.2.69.142"))).isEqualTo("81.2.69.142");
        assertThat(found(behindProxy.resolve("10.0.0.5", ",,"))).isEqualTo("10.0.0.5");
        assertThat(found(behindProxy.resolve("10.0.0.5", "10.1.1.1,10.2.2.2"))).isEqualTo("10.1.1.1");
        assertThat(behindProxy.resolve("10.0.0.5", "")).isInstanceOf(ClientAddress.Bad.class);
        assertThat(behindProxy.resolve("10.0.0.5", "81.2.69.142,,10.9.9.9")).isInstanceOf(ClientAddress.Bad.class);
        assertThat(((ClientAddress.Bad) behindProxy.resolve("10.0.0.5", "1.2.3.4, evil , 10.9.9.9")).reason())
                .isEqualTo("X-Forwarded-For holds 'evil', which is not an IP address");
    }

    @Test
    void aMalformedForwardedAddressFromATrustedProxyIsBad() {
        assertThat(behindProxy.resolve("10.0.0.5", "81.2.69.142, evil")).isInstanceOf(ClientAddress.Bad.class);
        assertThat(behindProxy.resolve("not-an-ip", null)).isInstanceOf(ClientAddress.Bad.class);
    }
}
