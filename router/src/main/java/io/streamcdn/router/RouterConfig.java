package io.streamcdn.router;

import io.streamcdn.common.ConfigException;
import io.streamcdn.common.LogFormat;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.DurationText;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.router.net.Cidr;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything the router is told at start, validated once. Built from the command line by {@link RouterCommand},
 * or in code (tests, the demo) with {@link #builder()}. Every invalid value is a {@link ConfigException} whose
 * message names the flag, the value and what is accepted.
 *
 * @param host             address to listen on
 * @param port             HTTP port; 0 picks a free one
 * @param edgesFile        a JSON file of static edges, if any
 * @param geoip            a MaxMind GeoIP2/GeoLite2 City database, if any
 * @param coverageZones    a coverage-zone file (CIDR to zone), if any
 * @param defaultLocation  where viewers nothing can locate are assumed to be, if set
 * @param trustedProxies   peers whose X-Forwarded-For is believed
 * @param dnsPort          the authoritative DNS server's port (UDP and TCP), if DNS routing is on
 * @param dnsZone          the zone it answers for, absolute (ends with a dot), if DNS routing is on
 * @param healthInterval   how often each edge's /health is checked
 * @param healthTimeout    how long one check may take
 * @param heartbeatTimeout how long after its last heartbeat a self-registered edge counts as gone
 * @param toleranceKm      edges this much farther than the nearest still share its viewers
 * @param maxLoad          an edge reporting more load than this (0..1) is skipped while others are available
 * @param dnsNameserverAddresses this router's public addresses, answered for {@code ns1.<zone>} and sent as glue
 * @param corsOrigins      web origins whose pages may read the router's answers ({@code ["*"]} for any)
 * @param logFormat        how the log is written: text for people, JSON lines for log shippers
 * @param tls              the certificate and key for HTTPS (HTTP/2 by ALPN), if given
 * @param adminToken       the token edge registrations, heartbeats and deregistrations must carry; without one,
 *                         they are accepted from this machine only
 * @param signingKeys      the key ring the URLs handed to viewers are signed with (its first key); without one,
 *                         they are unsigned
 * @param signedUrlTtl     how long a signed URL stays valid
 */
public record RouterConfig(String host, int port, Optional<Path> edgesFile, Optional<Path> geoip,
                           Optional<Path> coverageZones, Optional<GeoPoint> defaultLocation,
                           List<Cidr> trustedProxies, Optional<Integer> dnsPort, Optional<String> dnsZone,
                           Duration healthInterval, Duration healthTimeout, Duration heartbeatTimeout,
                           double toleranceKm, double maxLoad, List<InetAddress> dnsNameserverAddresses,
                           List<String> corsOrigins, LogFormat logFormat, Optional<ServerTls> tls,
                           Optional<AdminToken> adminToken, Optional<SigningKeys> signingKeys,
                           Duration signedUrlTtl) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8090;

    public RouterConfig {
        ConfigException.require(host != null && !host.isBlank() && !host.contains(" "),
                "--host '%s' is not an address; give one like 0.0.0.0 (all interfaces) or 127.0.0.1", host);
        ConfigException.require(port >= 0 && port <= 65535,
                "--port %d is not a port; use 1..65535, or 0 for any free port", port);
        edgesFile.ifPresent(f -> readable("--edges", f));
        geoip.ifPresent(f -> readable("--geoip", f));
        coverageZones.ifPresent(f -> readable("--coverage-zones", f));
        trustedProxies = List.copyOf(trustedProxies);
        ConfigException.require(dnsPort.isPresent() == dnsZone.isPresent(),
                "--dns-port and --dns-zone go together: give both for DNS routing, or neither");
        dnsPort.ifPresent(p -> ConfigException.require(p >= 0 && p <= 65535,
                "--dns-port %d is not a port; use 1..65535, or 0 for any free port", p));
        dnsZone = dnsZone.map(RouterConfig::absoluteZone);
        ConfigException.require(!healthInterval.isNegative() && healthInterval.toMillis() >= 100,
                "--health-interval %s is too short; give at least 100ms", DurationText.format(healthInterval));
        ConfigException.require(healthTimeout.toMillis() >= 50 && healthTimeout.compareTo(healthInterval) <= 0,
                "--health-timeout %s must be 50ms or more and no longer than --health-interval (%s)",
                DurationText.format(healthTimeout), DurationText.format(healthInterval));
        ConfigException.require(heartbeatTimeout.toMillis() >= 1000,
                "--heartbeat-timeout %s is too short; give at least 1s", DurationText.format(heartbeatTimeout));
        ConfigException.require(toleranceKm >= 0 && toleranceKm <= 20_100,
                "--tolerance-km %s is outside 0..20100 (half the Earth's circumference)", toleranceKm);
        ConfigException.require(maxLoad > 0 && maxLoad <= 1, "--max-load %s is outside (0, 1]", maxLoad);
        dnsNameserverAddresses = List.copyOf(dnsNameserverAddresses);
        ConfigException.require(dnsNameserverAddresses.isEmpty() || dnsZone.isPresent(),
                "--dns-nameserver-addresses is for DNS routing; give --dns-port and --dns-zone too");
        corsOrigins = CorsPolicy.normalizeOrigins(corsOrigins);
        ConfigException.require(logFormat != null, "--log-format is required (text or json)");
        ConfigException.require(signingKeys != null, "the signing keys are required (Optional.empty() for none)");
        ConfigException.require(signedUrlTtl != null && signedUrlTtl.compareTo(UrlSigner.MIN_TTL) >= 0
                        && signedUrlTtl.compareTo(UrlSigner.MAX_TTL) <= 0,
                "--signed-url-ttl %s is outside 1m..7d", signedUrlTtl == null ? "(none)" : DurationText.format(signedUrlTtl));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One log line: every setting, as flags would spell it. */
    public String describe() {
        return String.format(Locale.ROOT,
                "host=%s port=%d edges=%s geoip=%s coverage-zones=%s default-location=%s trusted-proxies=%s "
                        + "dns-port=%s dns-zone=%s health-interval=%s health-timeout=%s heartbeat-timeout=%s "
                        + "tolerance-km=%s max-load=%s dns-nameserver-addresses=%s cors-origins=%s log-format=%s tls=%s admin-token=%s "
                        + "signing-keys=%s signed-url-ttl=%s",
                host, port, edgesFile.map(Path::toString).orElse("(none)"), geoip.map(Path::toString).orElse("(none)"),
                coverageZones.map(Path::toString).orElse("(none)"),
                defaultLocation.map(GeoPoint::toString).orElse("(none)"),
                trustedProxies.isEmpty() ? "(none)" : trustedProxies.stream().map(Cidr::toString).collect(Collectors.joining(",")),
                dnsPort.map(String::valueOf).orElse("(off)"), dnsZone.orElse("(off)"),
                DurationText.format(healthInterval), DurationText.format(healthTimeout),
                DurationText.format(heartbeatTimeout), toleranceKm, maxLoad,
                dnsNameserverAddresses.isEmpty() ? "(none)" : dnsNameserverAddresses.stream().map(InetAddress::getHostAddress)
                        .collect(Collectors.joining(",")),
                String.join(",", corsOrigins), logFormat.flagValue(), tls.map(ServerTls::describe).orElse("off"),
                adminToken.map(AdminToken::source).orElse("(none: edge registration from loopback only)"),
                signingKeys.map(SigningKeys::describe).orElse("(none: unsigned URLs)"), DurationText.format(signedUrlTtl));
    }

    private static void readable(String flag, Path file) {
        ConfigException.require(Files.isReadable(file), "%s %s cannot be read", flag, file);
    }

    private static String absoluteZone(String zone) {
        String value = zone.strip().toLowerCase(Locale.ROOT);
        value = value.endsWith(".") ? value : value + ".";
        ConfigException.require(value.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+"),
                "--dns-zone '%s' is not a domain name; write it like cdn.example.", zone);
        return value;
    }

    /** Builds a {@link RouterConfig} from values as an operator writes them, refusing each bad one with its flag. */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Optional<Path> edgesFile = Optional.empty();
        private Optional<Path> geoip = Optional.empty();
        private Optional<Path> coverageZones = Optional.empty();
        private Optional<GeoPoint> defaultLocation = Optional.empty();
        private List<Cidr> trustedProxies = List.of();
        private Optional<Integer> dnsPort = Optional.empty();
        private Optional<String> dnsZone = Optional.empty();
        private Duration healthInterval = Duration.ofSeconds(2);
        private Duration healthTimeout = Duration.ofSeconds(1);
        private Duration heartbeatTimeout = Duration.ofSeconds(15);
        private double toleranceKm = 500;
        private double maxLoad = 0.9;
        private List<String> corsOrigins = List.of("*");
        private LogFormat logFormat = LogFormat.TEXT;
        private List<InetAddress> dnsNameserverAddresses = List.of();
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private Optional<AdminToken> adminToken = Optional.empty();
        private Optional<SigningKeys> signingKeys = Optional.empty();
        private Duration signedUrlTtl = UrlSigner.DEFAULT_TTL;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder edgesFile(Path file) {
            this.edgesFile = Optional.ofNullable(file);
            return this;
        }

        public Builder geoip(Path file) {
            this.geoip = Optional.ofNullable(file);
            return this;
        }

        public Builder coverageZones(Path file) {
            this.coverageZones = Optional.ofNullable(file);
            return this;
        }

        /** {@code --default-location LAT,LON}; blank for none. */
        public Builder defaultLocation(String latLon) {
            try {
                this.defaultLocation = latLon == null || latLon.isBlank() ? Optional.empty()
                        : Optional.of(GeoPoint.parse(latLon));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--default-location: " + e.getMessage());
            }
            return this;
        }

        /** {@code --trusted-proxies 10.0.0.0/8,192.0.2.7}; blank for none. */
        public Builder trustedProxies(String commaSeparated) {
            List<Cidr> networks = new ArrayList<>();
            for (String part : (commaSeparated == null ? "" : commaSeparated).split(",")) {
                if (!part.isBlank()) {
                    try {
                        networks.add(Cidr.parse(part));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("--trusted-proxies: " + e.getMessage());
                    }
                }
            }
            this.trustedProxies = networks;
            return this;
        }

        public Builder dns(Integer port, String zone) {
            this.dnsPort = Optional.ofNullable(port);
            this.dnsZone = zone == null || zone.isBlank() ? Optional.empty() : Optional.of(zone);
            return this;
        }

        public Builder healthInterval(String duration) {
            this.healthInterval = DurationText.forFlag("--health-interval", duration);
            return this;
        }

        public Builder healthTimeout(String duration) {
            this.healthTimeout = DurationText.forFlag("--health-timeout", duration);
            return this;
        }

        public Builder heartbeatTimeout(String duration) {
            this.heartbeatTimeout = DurationText.forFlag("--heartbeat-timeout", duration);
            return this;
        }

        public Builder toleranceKm(double km) {
            this.toleranceKm = km;
            return this;
        }

        public Builder maxLoad(double load) {
            this.maxLoad = load;
            return this;
        }

        /** {@code --dns-nameserver-addresses 203.0.113.53,2001:db8::53}: IP literals only; blank for none. */
        public Builder dnsNameserverAddresses(String commaSeparated) {
            List<InetAddress> addresses = new ArrayList<>();
            for (String part : (commaSeparated == null ? "" : commaSeparated).split(",")) {
                if (!part.isBlank()) {
                    addresses.add(Cidr.literal(part).orElseThrow(() -> new ConfigException("--dns-nameserver-addresses: '"
                            + part.strip() + "' is not an IP address; give this router's public addresses, like 203.0.113.53")));
                }
            }
            this.dnsNameserverAddresses = addresses;
            return this;
        }

        /** {@code --cors-origins *} or {@code https://a.example,https://b.example}. */
        public Builder corsOrigins(String commaSeparated) {
            this.corsOrigins = CorsPolicy.splitOrigins(commaSeparated);
            return this;
        }

        /** {@code --log-format text|json}: how the role's command writes its log. */
        public Builder logFormat(String format) {
            this.logFormat = LogFormat.parse(format);
            return this;
        }

        public Builder logFormat(LogFormat format) {
            this.logFormat = format;
            return this;
        }

        /** {@code --tls-cert} and {@code --tls-key}: both, or neither (null or blank). */
        public Builder tls(Path certificate, Path key) {
            this.tlsCert = certificate;
            this.tlsKey = key;
            return this;
        }

        /** {@code --tls-self-signed}: a certificate made at start for this router's names, for trials. */
        public Builder tlsSelfSigned(boolean selfSigned) {
            this.tlsSelfSigned = selfSigned;
            return this;
        }

        /** The admin token ({@code STREAMCDN_ADMIN_TOKEN} or {@code --admin-token-file}), if any. */
        public Builder adminToken(Optional<AdminToken> token) {
            this.adminToken = token;
            return this;
        }

        /** The signing key ring ({@code --signing-keys-file}), if any: the URLs handed to viewers are signed. */
        public Builder signingKeys(Optional<SigningKeys> keys) {
            this.signingKeys = keys;
            return this;
        }

        /** {@code --signed-url-ttl}: how long a signed URL stays valid, like 6h. */
        public Builder signedUrlTtl(String duration) {
            this.signedUrlTtl = DurationText.forFlag("--signed-url-ttl", duration);
            return this;
        }

        public RouterConfig build() {
            return new RouterConfig(host, port, edgesFile, geoip, coverageZones, defaultLocation, trustedProxies,
                    dnsPort, dnsZone, healthInterval, healthTimeout, heartbeatTimeout, toleranceKm, maxLoad, dnsNameserverAddresses, corsOrigins,
                    logFormat, ServerTls.fromFlags(tlsCert, tlsKey, tlsSelfSigned, List.of(host)), adminToken,
                    signingKeys, signedUrlTtl);
        }
    }
}
