package io.streamcdn.common;

import java.util.Locale;

/**
 * A place on Earth in decimal degrees, as an operator writes it: {@code 52.37,4.89} (latitude first).
 * Edges announce theirs; the router measures great-circle distances between them and viewers.
 */
public record GeoPoint(double latitude, double longitude) {

    private static final double EARTH_RADIUS_KM = 6371.0088;

    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s,%s is not a place; latitude is -90..90 and longitude -180..180", latitude, longitude));
        }
    }

    /** Parses {@code LAT,LON}, e.g. {@code 52.37,4.89} or {@code -33.87, 151.21}. */
    public static GeoPoint parse(String text) {
        String[] parts = (text == null ? "" : text).split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + text + "' is not a location; write LAT,LON in degrees, like 52.37,4.89");
        }
        try {
            return new GeoPoint(Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a location; write LAT,LON in degrees, like 52.37,4.89");
        }
    }

    /** Great-circle distance by the haversine formula. */
    public double distanceKm(GeoPoint other) {
        double dLat = Math.toRadians(other.latitude - latitude);
        double dLon = Math.toRadians(other.longitude - longitude);
        double a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(Math.toRadians(latitude))
                * Math.cos(Math.toRadians(other.latitude)) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s,%s", latitude, longitude);
    }
}
