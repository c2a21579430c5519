package io.streamcdn.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GeoPointTest {

    @Test
    void parsesLatitudeThenLongitude() {
        assertThat(GeoPoint.parse("52.37,4.89")).isEqualTo(new GeoPoint(52.37, 4.89));
        assertThat(GeoPoint.parse(" -33.87 , 151.21 ")).isEqualTo(new GeoPoint(-33.87, 151.21));
    }

    @Test
    void refusesPlacesOffTheGlobeAndGarbage() {
        for (String bad : new String[]{"91,0", "0,181", "52.37", "a,b", "1,2,3", "NaN,0"}) {
            assertThatThrownBy(() -> GeoPoint.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void measuresGreatCircleDistance() {
        GeoPoint amsterdam = new GeoPoint(52.3676, 4.9041);
        GeoPoint paris = new GeoPoint(48.8566, 2.3522);
        assertThat(amsterdam.distanceKm(paris)).isCloseTo(430, within(5.0));
        assertThat(amsterdam.distanceKm(amsterdam)).isZero();
    }
}
