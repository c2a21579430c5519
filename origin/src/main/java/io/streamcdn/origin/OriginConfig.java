package io.streamcdn.origin;

import io.streamcdn.common.ByteSize;
import io.streamcdn.common.ConfigException;
import io.streamcdn.common.LogFormat;
import io.streamcdn.common.http.CorsPolicy;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.ServerTls;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.common.DurationText;
import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.Rung;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything the origin is told at start, validated once. Built from the command line by
 * {@link OriginCommand}, or in code (tests, the demo) with {@link #builder()}. Every invalid value is a
 * {@link ConfigException} whose message names the flag, the value and what is accepted.
 *
 * @param host             address to listen on
 * @param port             port to listen on; 0 picks a free one ({@link OriginServer#port()} tells which)
 * @param dataDir          the data directory (absolute); published videos are under {@code videos/}
 * @param maxUploadBytes   largest upload accepted
 * @param encodeWorkers    encodes run at once
 * @param encoderSettings  ladder, segment length, x264 preset, audio bitrate, encoder threads
 * @param publicUrl        base URL for absolute links in API answers, without a trailing slash; empty when
 *                         not configured, and links are then relative to the origin the client reached
 * @param corsOrigins      {@code ["*"]} or the web origins whose pages may read the origin's responses
 * @param logFormat        how the log is written: text for people, JSON lines for log shippers
 * @param tls              the certificate and key for HTTPS (HTTP/2 by ALPN), if given
 * @param adminToken       the token uploads and deletes must carry; without one, they are accepted from
 *                         this machine only
 * @param signingKeys      the key ring the video links in API answers are signed with, and viewers' signed URLs
 *                         checked with; without one, links and files are unsigned
 * @param signedUrlTtl     how long a signed link stays valid
 * @param routerUrl        the router the web player asks for edges ({@code /player-config.json}), without a
 *                         trailing slash; empty: the player plays straight from the origin
 */
public record OriginConfig(String host, int port, Path dataDir, long maxUploadBytes, int encodeWorkers,
                           EncoderSettings encoderSettings, String publicUrl, List<String> corsOrigins,
                           LogFormat logFormat, Optional<ServerTls> tls, Optional<AdminToken> adminToken,
                           Optional<SigningKeys> signingKeys, Duration signedUrlTtl, Optional<String> routerUrl) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_MAX_UPLOAD = "4g";

    private static final Pattern KBPS = Pattern.compile("(\\d+)\\s*k?", Pattern.CASE_INSENSITIVE);

    public OriginConfig {
        ConfigException.require(host != null && !host.isBlank() && host.strip().equals(host) && !host.contains(" "),
                "--host '%s' is not an address; give one like 0.0.0.0 (all interfaces) or 127.0.0.1", host);
        ConfigException.require(port >= 0 && port <= 65535,
                "--port %d is not a port; use 1..65535, or 0 for any free port", port);
        ConfigException.require(dataDir != null, "--data-dir is required");
        dataDir = dataDir.toAbsolutePath().normalize();
        ConfigException.require(maxUploadBytes > 0,
                "--max-upload %d is not a usable limit; give a size like 4g or 512m", maxUploadBytes);
        int maxWorkers = maxEncodeWorkers();
        ConfigException.require(encodeWorkers >= 1 && encodeWorkers <= maxWorkers,
                "--encode-workers %d is outside 1..%d (twice this machine's %d cores)",
                encodeWorkers, maxWorkers, Runtime.getRuntime().availableProcessors());
        ConfigException.require(encoderSettings != null, "the encoder settings are required");
        publicUrl = normalizeUrl("--public-url", publicUrl).orElse("");
        routerUrl = normalizeUrl("--router-url", routerUrl == null ? null : routerUrl.orElse(null));
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

    /** The configuration with every default: what {@code streamcdn origin} with no flags runs. */
    public static OriginConfig defaults() {
        return builder().build();
    }

    public static int maxEncodeWorkers() {
        return Runtime.getRuntime().availableProcessors() * 2;
    }

    /** The videos folder the file server serves. */
    public Path videosDir() {
        return dataDir.resolve("videos");
    }

    public boolean hasPublicUrl() {
        return !publicUrl.isEmpty();
    }

    /** One log line: every setting, as flags would spell it. */
    public String describe() {
        EncoderSettings e = encoderSettings;
        return String.format(Locale.ROOT,
                "host=%s port=%d data-dir=%s max-upload=%s encode-workers=%d ladder=%s segment-seconds=%s "
                        + "x264-preset=%s audio-bitrate=%dk encode-threads=%s public-url=%s cors-origins=%s tls=%s "
                        + "admin-token=%s log-format=%s signing-keys=%s signed-url-ttl=%s router-url=%s",
                host, port, dataDir, ByteSize.format(maxUploadBytes), encodeWorkers,
                e.ladder().stream().map(Rung::toString).collect(Collectors.joining(",")),
                trimmed(e.segmentSeconds()), e.x264Preset(), e.audioKbps(),
                e.threads() == 0 ? "auto" : Integer.toString(e.threads()),
                hasPublicUrl() ? publicUrl : "(from each request's Host)", String.join(",", corsOrigins),
                tls.map(ServerTls::describe).orElse("off"),
                adminToken.map(AdminToken::source).orElse("(none: uploads and deletes from loopback only)"),
                logFormat.flagValue(), signingKeys.map(SigningKeys::describe).orElse("(none: unsigned URLs)"),
                DurationText.format(signedUrlTtl), routerUrl.orElse("(none: the player plays from the origin)"));
    }

    @Override
    public String toString() {
        return "OriginConfig[" + describe() + "]";
    }

    private static String trimmed(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * An absolute http(s) URL without query or fragment, trailing slash removed; empty when not given.
     * {@code flag} names the setting in the one-line refusal.
     */
    private static Optional<String> normalizeUrl(String flag, String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String value = text.strip();
        String refusal = flag + " '" + text + "' must be an absolute http(s) URL without query, like "
                + (flag.equals("--router-url") ? "http://router.example.com:8090" : "https://cdn.example.com");
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(refusal);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ConfigException.require((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                && uri.getQuery() == null && uri.getFragment() == null, "%s", refusal);
        return Optional.of(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }

    /**
     * Builds an {@link OriginConfig} from values as an operator writes them ({@code 4g}, {@code 720p:3000k}),
     * refusing each bad value as it is set, with the flag it came from.
     */
    public static final class Builder {

        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private long maxUploadBytes = ByteSize.parse(DEFAULT_MAX_UPLOAD);
        private int encodeWorkers = 1;
        private EncoderSettings encoder = EncoderSettings.defaults();
        private String publicUrl = "";
        private List<String> corsOrigins = List.of("*");
        private LogFormat logFormat = LogFormat.TEXT;
        private Path tlsCert;
        private Path tlsKey;
        private boolean tlsSelfSigned;
        private Optional<AdminToken> adminToken = Optional.empty();
        private Optional<SigningKeys> signingKeys = Optional.empty();
        private Duration signedUrlTtl = UrlSigner.DEFAULT_TTL;
        private String routerUrl;

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

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** {@code --max-upload}: {@code 4g}, {@code 512m}, {@code 1073741824}. */
        public Builder maxUpload(String size) {
            try {
                this.maxUploadBytes = ByteSize.parse(size);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--max-upload: " + e.getMessage());
            }
            return this;
        }

        public Builder maxUploadBytes(long bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        public Builder encodeWorkers(int workers) {
            this.encodeWorkers = workers;
            return this;
        }

        public Builder encoderSettings(EncoderSettings settings) {
            this.encoder = settings;
            return this;
        }

        /** {@code --ladder 1080p:5000k,720p:3000k,...} */
        public Builder ladder(String ladder) {
            List<Rung> rungs;
            try {
                rungs = Rung.parseLadder(ladder == null ? "" : ladder);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--ladder '" + ladder + "': " + e.getMessage());
            }
            return encoder("--ladder", ladder, e -> new EncoderSettings(rungs, e.segmentSeconds(), e.x264Preset(),
                    e.audioKbps(), e.threads()));
        }

        public Builder segmentSeconds(double seconds) {
            return encoder("--segment-seconds", seconds, e -> new EncoderSettings(e.ladder(), seconds,
                    e.x264Preset(), e.audioKbps(), e.threads()));
        }

        public Builder x264Preset(String preset) {
            return encoder("--x264-preset", preset, e -> new EncoderSettings(e.ladder(), e.segmentSeconds(),
                    preset, e.audioKbps(), e.threads()));
        }

        /** {@code --audio-bitrate 128k} (kbit/s; the {@code k} is optional). */
        public Builder audioBitrate(String bitrate) {
            Matcher m = KBPS.matcher(bitrate == null ? "" : bitrate.strip());
            if (!m.matches() || m.group(1).length() > 6) {
                throw new ConfigException("--audio-bitrate '" + bitrate + "' is not a bitrate; write it like 128k");
            }
            int kbps = Integer.parseInt(m.group(1));
            return encoder("--audio-bitrate", bitrate, e -> new EncoderSettings(e.ladder(), e.segmentSeconds(),
                    e.x264Preset(), kbps, e.threads()));
        }

        public Builder encodeThreads(int threads) {
            return encoder("--encode-threads", threads, e -> new EncoderSettings(e.ladder(), e.segmentSeconds(),
                    e.x264Preset(), e.audioKbps(), threads));
        }

        public Builder publicUrl(String url) {
            this.publicUrl = url;
            return this;
        }

        /** {@code --cors-origins}: {@code *} or a comma-separated list of origins. */
        public Builder corsOrigins(String commaSeparated) {
            this.corsOrigins = CorsPolicy.splitOrigins(commaSeparated);
            return this;
        }

        /** {@code --tls-cert} and {@code --tls-key}: both, or neither (null or blank). */
        public Builder tls(Path certificate, Path key) {
            this.tlsCert = certificate;
            this.tlsKey = key;
            return this;
        }

        /** {@code --tls-self-signed}: a certificate made at start for this origin's names, for trials. */
        public Builder tlsSelfSigned(boolean selfSigned) {
            this.tlsSelfSigned = selfSigned;
            return this;
        }

        /** The admin token ({@code STREAMCDN_ADMIN_TOKEN} or {@code --admin-token-file}), if any. */
        public Builder adminToken(Optional<AdminToken> token) {
            this.adminToken = token;
            return this;
        }

        /** The signing key ring ({@code --signing-keys-file}), if any: links are signed, files need signed URLs. */
        public Builder signingKeys(Optional<SigningKeys> keys) {
            this.signingKeys = keys;
            return this;
        }

        /** {@code --signed-url-ttl}: how long a signed link stays valid, like 6h. */
        public Builder signedUrlTtl(String duration) {
            this.signedUrlTtl = DurationText.forFlag("--signed-url-ttl", duration);
            return this;
        }

        /** {@code --router-url}: the router the web player asks for edges; null or blank for none. */
        public Builder routerUrl(String url) {
            this.routerUrl = url;
            return this;
        }

        /** Replaces one encoder setting; media's own validation speaks, prefixed with the flag. */
        private Builder encoder(String flag, Object value, UnaryOperator<EncoderSettings> change) {
            try {
                this.encoder = change.apply(encoder);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(flag + " " + value + ": " + e.getMessage());
            }
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

        public OriginConfig build() {
            List<String> names = new java.util.ArrayList<>(List.of(host));
            try {
                String publicHost = publicUrl == null ? null : URI.create(publicUrl.strip()).getHost();
                if (publicHost != null) {
                    names.add(publicHost.replaceAll("^\\[|]$", ""));
                }
            } catch (IllegalArgumentException e) {
                // not a URL: the record's own check refuses it with the flag's name
            }
            return new OriginConfig(host, port, dataDir, maxUploadBytes, encodeWorkers, encoder, publicUrl,
                    corsOrigins, logFormat, ServerTls.fromFlags(tlsCert, tlsKey, tlsSelfSigned, names), adminToken,
                    signingKeys, signedUrlTtl, Optional.ofNullable(routerUrl));
        }
    }
}
