package io.streamcdn.router.locate;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import io.streamcdn.common.ConfigException;
import io.streamcdn.common.GeoPoint;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Latitude and longitude of an address from a MaxMind GeoIP2 / GeoLite2 City database, read with MaxMind's
 * own reader (memory-mapped, with its cache of decoded data: lookups are in-memory and fast, fine on an
 * event loop).
 * <p>
 * The reader decodes a record into the class it is asked for and skips every field that class does not
 * name, so the router asks for {@link Located}, the record's coordinates and nothing else. GeoIP2's
 * {@code DatabaseReader.city()} would build the whole {@code CityResponse} on every lookup (names in every
 * language, subdivisions, postal code, traits...): in a profile of the router under load (bench/RESULTS.md,
 * router-vs-nginx) that was 39 % of the event loops' Java samples, for two numbers.
 */
public final class GeoIp implements AutoCloseable {

    private final Reader reader;

    private GeoIp(Reader reader) {
        this.reader = reader;
    }

    /**
     * Opens the database (blocking: call at start, off the event loop). Only City databases give
     * coordinates; any other (a Country or ASN database) is refused here rather than locating nobody.
     */
    public static GeoIp open(Path database) throws IOException {
        Reader reader = new Reader(database.toFile(), new CHMCache());
        String type = reader.getMetadata().getDatabaseType();
        if (type == null || !type.contains("City")) {
            reader.close();
            throw new ConfigException("--geoip " + database + " is a " + type + " database; the router needs a "
                    + "GeoIP2 or GeoLite2 City database (only those give coordinates)");
        }
        return new GeoIp(reader);
    }

    /** Where {@code address} is, when the database knows and gives coordinates. */
    public Optional<GeoPoint> locate(InetAddress address) {
        try {
            Located record = reader.get(address, Located.class);
            if (record == null || record.location == null || record.location.latitude == null
                    || record.location.longitude == null) {
                return Optional.empty();
            }
            return Optional.of(new GeoPoint(record.location.latitude, record.location.longitude));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The database's type, e.g. GeoLite2-City, for the start-up log. */
    public String type() {
        return reader.getMetadata().getDatabaseType();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** The only field of a City record the router reads. Public for MaxMind's reflective decoder only. */
    public static final class Located {
        final Coordinates location;

        @MaxMindDbConstructor
        public Located(@MaxMindDbParameter(name = "location") Coordinates location) {
            this.location = location;
        }
    }

    /** A City record's {@code location} map, of which the router needs the coordinates. */
    public static final class Coordinates {
        final Double latitude;
        final Double longitude;

        @MaxMindDbConstructor
        public Coordinates(@MaxMindDbParameter(name = "latitude") Double latitude,
                           @MaxMindDbParameter(name = "longitude") Double longitude) {
            this.latitude = latitude;
            this.longitude = longitude;
        }
    }
}
