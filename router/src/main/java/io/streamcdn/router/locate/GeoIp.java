package io.streamcdn.router.locate;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.AddressNotFoundException;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import io.streamcdn.common.GeoPoint;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Latitude and longitude of an address from a MaxMind GeoIP2 / GeoLite2 City database, read with MaxMind's
 * own reader (memory-mapped, with its lookup cache: lookups are in-memory and fast, fine on an event loop).
 */
public final class GeoIp implements AutoCloseable {

    private final DatabaseReader reader;

    private GeoIp(DatabaseReader reader) {
        this.reader = reader;
    }

    /** Opens the database (blocking: call at start, off the event loop). */
    public static GeoIp open(Path database) throws IOException {
        return new GeoIp(new DatabaseReader.Builder(database.toFile()).withCache(new CHMCache()).build());
    }

    /** Where {@code address} is, when the database knows and gives coordinates. */
    public Optional<GeoPoint> locate(InetAddress address) {
        try {
            Optional<CityResponse> city = reader.tryCity(address);
            return city.map(CityResponse::getLocation)
                    .filter(location -> location.getLatitude() != null && location.getLongitude() != null)
                    .map(location -> new GeoPoint(location.getLatitude(), location.getLongitude()));
        } catch (AddressNotFoundException e) {
            return Optional.empty();
        } catch (IOException | GeoIp2Exception e) {
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
}
