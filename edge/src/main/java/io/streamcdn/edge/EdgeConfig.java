package io.streamcdn.edge;

import io.streamcdn.common.ByteSize;
import io.streamcdn.common.ConfigException;
import io.streamcdn.common.LogFormat;
import io.streamcdn.common.DurationText;
import io.streamcdn.common.EdgeNameSyntax;
import io.streamcdn.common.GeoPoint;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.SigningKeys;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything an edge is told at start, validated once. Built from the command line by {@link EdgeCommand},
 * or in code (tests, the demo) with {@link #builder()}. Every invalid value is a {@link ConfigException}
 * whose message names the flag, the value and what is accepted.
 *
 * @param host                 address to listen on
 * @param port                 port to listen on; 0 picks a free one ({@link EdgeServer#port()} tells which)
 * @param origin               the origin's base URL, without a trailing slash
 * @param parent               a parent edge (mid tier) asked before the origin, if any
 * @param cacheDir             the disk cache's folder (absolute)
 * @param cacheMaxBytes        the most bytes the cache keeps on disk (bodies and their metadata)
 * @param staleIfError         how long past its freshness a cached object may still be served while the
 *                             upstream fails, unless the upstream's own {@code stale-if-error} says otherwise
 * @param upstreamTimeout      how long to wait for an upstream to connect, answer, or send the next bytes
 * @param prefetch             segments fetched ahead after a segment is served (0 turns prefetch off)
 * @param router               the router to register with, if any
 * @param name                 this edge's name in the router and in {@code Via}
 * @param publicUrl            the base URL viewers reach this edge at, without a trailing slash
 * @param location             where this edge is, for the router's distance ranking, if given
 * @param capacityMbps         the outgoing bandwidth this edge is meant to serve, announced to the router
 * @param capacityConnections  the open connections this edge is meant to hold, announced to the router
 * @param tls                  the certificate and key for HTTPS (HTTP/2 by ALPN), if given
 * @param corsOrigins          {@code ["*"]} or the web origins whose pages may read the edge's responses
 * @param logFormat            how the log is written: text for people, JSON lines for log shippers
 * @param adminToken           the token purges must carry, and this edge sends with its heartbeats; without
 *                             one, purges are accepted from this machine only
 * @param signingKeys          the key ring viewers' signed URLs are checked with (and this edge's upstream
 *                             requests signed with); without one, video files are served unsigned to anyone
 */
public record EdgeConfig(String host, int port, URI origin, Optional<URI> parent, Path cacheDir, long cacheMaxBytes,
                         Duration staleIfError, Duration upstreamTimeout, int prefetch, Optional<URI> router,
                         String name, String publicUrl, Optional<GeoPoint> location, long capacityMbps,
                         int capacityConnections, Optional<ServerTls> tls, List<String> corsOrigins,
                         LogFormat logFormat, Optional<AdminToken> adminToken,
                         Optional<SigningKeys> signingKeys) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_ORIGIN = "http://127.0.0.1:8080";
    public static final String DEFAULT_CACHE_DIR = "./edge-cache";
    public static final String DEFAULT_CACHE_MAX = "10g";
    public static final String DEFAULT_STALE_IF_ERROR = "1h";
    public static final String DEFAULT_UPSTREAM_TIMEOUT = "10s";
    public static final int DEFAULT_PREFETCH = 2;
    public static final int MAX_PREFETCH = 8;
    public static final long MIN_CACHE_BYTES = 1L << 20;

    public EdgeConfig {
        ConfigException.require(host != null && !host.isBlank() && !host.contains(" "),
                "--host '%s' is not an address; give one like 0.0.0.0 (all interfaces) or 127.0.0.1", host);
        ConfigException.require(port >= 0 && port <= 65535,
                "--port %d is not a port; use 1..65535, or 0 for any free port", port);
        ConfigException.require(origin != null, "--origin is required: the origin's URL, like http://origin.example:8080");
        ConfigException.require(cacheDir != null, "--cache-dir is required");
        cacheDir = cacheDir.toAbsolutePath().normalize();
        ConfigException.require(cacheMaxBytes >= MIN_CACHE_BYTES,
                "--cache-max %s is too small; give at least 1m, like 10g", ByteSize.format(cacheMaxBytes));
        ConfigException.require(!staleIfError.isNegative() && staleIfError.compareTo(Duration.ofDays(7)) <= 0,
                "--stale-if-error %s is outside 0s..7d", DurationText.format(staleIfError));
        ConfigException.require(upstreamTimeout.compareTo(Duration.ofMillis(100)) >= 0
                        && upstreamTimeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "--upstream-timeout %s is outside 100ms..5m", DurationText.format(upstreamTimeout));
        ConfigException.require(prefetch >= 0 && prefetch <= MAX_PREFETCH,
                "--prefetch %d is outside 0..%d (segments fetched ahead; 0 turns it off)", prefetch, MAX_PREFETCH);
        ConfigException.require(EdgeNameSyntax.isValid(name),
                "--name '%s' is not a usable edge name; use letters, digits, '.', '_' and '-', like edge-eu-1", name);
        ConfigException.require(capacityMbps >= 1, "--capacity-mbps %d must be at least 1", capacityMbps);
        ConfigException.require(capacityConnections >= 1, "--capacity-connections %d must be at least 1",
                capacityConnections);
        ConfigException.require(publicUrl != null && !publicUrl.isEmpty() || router.isEmpty(),
                "--router needs --public-url: the URL viewers reach this edge at, like https://edge1.example.com");
        corsOrigins = CorsPolicy.normalizeOrigins(corsOrigins);
        ConfigException.require(logFormat != null, "--log-format is required (text or json)");
        ConfigException.require(signingKeys != null, "the signing keys are required (Optional.empty() for none)");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where requests that miss the cache go: the parent edge when there is one, else the origin. */
    public URI upstream() {
        return parent.orElse(origin);
    }

    /** One log line: every setting, as flags would spell it. */
    public String describe() {
        return String.format(Locale.ROOT,
                "host=%s port=%d origin=%s parent=%s cache-dir=%s cache-max=%s stale-if-error=%s "
                        + "upstream-timeout=%s prefetch=%d router=%s name=%s public-url=%s location=%s "
                        + "capacity-mbps=%d capacity-connections=%d tls=%s cors-origins=%s log-format=%s admin-token=%s "
                        + "signing-keys=%s",
                host, port, origin, parent.map(URI::toString).orElse("(none)"), cacheDir,
                ByteSize.format(cacheMaxBytes), DurationText.format(staleIfError),
                DurationText.format(upstreamTimeout), prefetch, router.map(URI::toString).orElse("(none)"), name,
                publicUrl.isEmpty() ? "(none)" : publicUrl, location.map(GeoPoint::toString).orElse("(none)"),
                capacityMbps, capacityConnections, tls.map(ServerTls::describe).orElse("off"),
                String.join(",", corsOrigins), logFormat.flagValue(),
                adminToken.map(AdminToken::source).orElse("(none: purges from loopback only)"),
                signingKeys.map(SigningKeys::describe).orElse("(none: unsigned URLs)"));
    }

    @Override
    public String toString() {
        return "EdgeConfig[" + describe() + "]";
    }

    /**
     * Builds an {@link EdgeConfig} from values as an operator writes them ({@code 10g}, {@code 1h},
     * {@code 52.37,4.89}), refusing each bad value as it is set, with the flag it came from.
     */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private URI origin = url("--origin", DEFAULT_ORIGIN);
        private Optional<URI> parent = Optional.empty();
        private Path cacheDir = Path.of(DEFAULT_CACHE_DIR);
        private long cacheMaxBytes = ByteSize.parse(DEFAULT_CACHE_MAX);
        private Duration staleIfError = DurationText.parse(DEFAULT_STALE_IF_ERROR);
        private Duration upstreamTimeout = DurationText.parse(DEFAULT_UPSTREAM_TIMEOUT);
        private int prefetch = DEFAULT_PREFETCH;
        private Optional<URI> router = Optional.empty();
        private String name;
        private String publicUrl = "";
        private Optional<GeoPoint> location = Optional.empty();
        private long capacityMbps = 1000;
        private int capacityConnections = 10_000;
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private List<String> corsOrigins = List.of("*");
        private LogFormat logFormat = LogFormat.TEXT;
        private Optional<AdminToken> adminToken = Optional.empty();
        private Optional<SigningKeys> signingKeys = Optional.empty();

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

        public Builder origin(String url) {
            this.origin = url("--origin", url);
            return this;
        }

        /** {@code --parent}; blank for none. */
        public Builder parent(String url) {
            this.parent = blank(url) ? Optional.empty() : Optional.of(url("--parent", url));
            return this;
        }

        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        /** {@code --cache-max}: {@code 10g}, {@code 512m}. */
        public Builder cacheMax(String size) {
            try {
                this.cacheMaxBytes = ByteSize.parse(size);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--cache-max: " + e.getMessage());
            }
            return this;
        }

        public Builder cacheMaxBytes(long bytes) {
            this.cacheMaxBytes = bytes;
            return this;
        }

        public Builder staleIfError(String duration) {
            this.staleIfError = DurationText.forFlag("--stale-if-error", duration);
            return this;
        }

        public Builder upstreamTimeout(String duration) {
            this.upstreamTimeout = DurationText.forFlag("--upstream-timeout", duration);
            return this;
        }

        public Builder prefetch(int segments) {
            this.prefetch = segments;
            return this;
        }

        /** {@code --router}; blank for none. */
        public Builder router(String url) {
            this.router = blank(url) ? Optional.empty() : Optional.of(url("--router", url));
            return this;
        }

        /** {@code --name}; blank for this machine's host name. */
        public Builder name(String name) {
            this.name = blank(name) ? null : name.strip();
            return this;
        }

        /** {@code --public-url}; blank for {@code http(s)://host:port} when the host is a concrete address. */
        public Builder publicUrl(String url) {
            this.publicUrl = blank(url) ? "" : withoutTrailingSlash(url("--public-url", url).toString());
            return this;
        }

        /** {@code --location LAT,LON}; blank for none. */
        public Builder location(String latLon) {
            try {
                this.location = blank(latLon) ? Optional.empty() : Optional.of(GeoPoint.parse(latLon));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--location: " + e.getMessage());
            }
            return this;
        }

        public Builder capacityMbps(long mbps) {
            this.capacityMbps = mbps;
            return this;
        }

        public Builder capacityConnections(int connections) {
            this.capacityConnections = connections;
            return this;
        }

        /** {@code --tls-cert} and {@code --tls-key}: both, or neither (null or blank). */
        public Builder tls(Path certificate, Path key) {
            this.tlsCert = certificate;
            this.tlsKey = key;
            return this;
        }

        /** {@code --tls-self-signed}: a certificate made at start for this edge's names, for trials. */
        public Builder tlsSelfSigned(boolean selfSigned) {
            this.tlsSelfSigned = selfSigned;
            return this;
        }

        /** {@code --cors-origins}: {@code *} or a comma-separated list of origins. */
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

        /** The admin token ({@code STREAMCDN_ADMIN_TOKEN} or {@code --admin-token-file}), if any. */
        public Builder adminToken(Optional<AdminToken> token) {
            this.adminToken = token;
            return this;
        }

        /** The signing key ring ({@code --signing-keys-file}), if any: viewers then need signed URLs. */
        public Builder signingKeys(Optional<SigningKeys> keys) {
            this.signingKeys = keys;
            return this;
        }

        public EdgeConfig build() {
            List<String> names = new java.util.ArrayList<>(List.of(host));
            if (!publicUrl.isEmpty()) {
                names.add(URI.create(publicUrl).getHost().replaceAll("^\\[|]$", ""));
            }
            Optional<ServerTls> tls = ServerTls.fromFlags(tlsCert, tlsKey, tlsSelfSigned, names);
            String url = publicUrl;
            if (url.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::") && port != 0) {
                url = (tls.isPresent() ? "https" : "http") + "://" + (host.contains(":") ? "[" + host + "]" : host)
                        + ":" + port;
            }
            return new EdgeConfig(host, port, origin, parent, cacheDir, cacheMaxBytes, staleIfError, upstreamTimeout,
                    prefetch, router, name == null ? localName() : name, url, location, capacityMbps,
                    capacityConnections, tls, corsOrigins, logFormat, adminToken, signingKeys);
        }

        private static String localName() {
            try {
                String host = InetAddress.getLocalHost().getHostName();
                String first = host.split("\\.")[0].replaceAll("[^A-Za-z0-9._-]", "-");
                return first.isEmpty() ? "edge" : "edge-" + first;
            } catch (UnknownHostException e) {
                return "edge";
            }
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** An absolute http(s) URL with a host and no query or fragment; a trailing slash is dropped. */
    static URI url(String flag, String text) {
        String value = text == null ? "" : text.strip();
        try {
            URI uri = new URI(withoutTrailingSlash(value));
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getQuery() == null
                    && uri.getFragment() == null && uri.getUserInfo() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // refused below, with the same message as any other unusable URL
        }
        throw new ConfigException(flag + " '" + text + "' is not a usable URL; give an absolute http(s) URL "
                + "without query, like http://origin.example.com:8080");
    }
}
