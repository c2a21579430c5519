package io.streamcdn.router.locate;

import io.streamcdn.common.ConfigException;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.router.testing.TestRouter;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MaxMind's test City database, read for coordinates only (see GeoLite2-City-Test.json for the truth). */
class GeoIpTest {

    @Test
    void locatesTheTestAddressesWhereTheDatabaseSaysTheyAre() throws Exception {
        try (GeoIp geoIp = GeoIp.open(TestRouter.GEOIP)) {
            assertThat(geoIp.locate(InetAddress.getByName("81.2.69.142"))).contains(new GeoPoint(51.5142, -0.0931));
            assertThat(geoIp.locate(InetAddress.getByName("216.160.83.57"))).contains(new GeoPoint(47.2513, -122.3149));
            assertThat(geoIp.locate(InetAddress.getByName("175.16.199.10"))).contains(new GeoPoint(43.88, 125.3228));
            assertThat(geoIp.type()).contains("City");
        }
    }

    @Test
    void anAddressTheDatabaseDoesNotKnowHasNoLocation() throws Exception {
        try (GeoIp geoIp = GeoIp.open(TestRouter.GEOIP)) {
            assertThat(geoIp.locate(InetAddress.getByName("192.0.2.1"))).isEmpty();
            assertThat(geoIp.locate(InetAddress.getByName("2001:db8::1"))).isEmpty();
        }
    }

    @Test
    void aDatabaseWithoutCoordinatesIsRefusedAtStart() {
        assertThatThrownBy(() -> GeoIp.open(TestRouter.GEOIP.resolveSibling("GeoLite2-Country-Test.mmdb")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("GeoLite2-Country")
                .hasMessageContaining("City database");
    }
}
