package io.streamcdn.router;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.Version;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code streamcdn router}: flags (or {@code STREAMCDN_ROUTER_*}) into a {@link RouterConfig}, then the
 * {@link RouterServer} until SIGTERM or SIGINT.
 */
@Command(name = "router", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the router: knows the edges and their health, locates each viewer and sends it to "
                + "the best edge (HTTP 302, JSON, DNS).",
                "Every option can also be set by the environment variable shown with it; a flag wins over the "
                        + "environment, which wins over the default."})
public final class RouterCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RouterCommand.class);

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = RouterConfig.DEFAULT_HOST,
            description = "Address to listen on. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ROUTER_HOST")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + RouterConfig.DEFAULT_PORT,
            description = "HTTP port; 0 picks a free one. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ROUTER_PORT")
    int port;

    @Option(names = "--edges", paramLabel = "FILE", defaultValue = "",
            description = "JSON file of static edges ({\"edges\": [{\"name\", \"url\", \"location\", ...}]}). "
                    + "Env: STREAMCDN_ROUTER_EDGES")
    String edges;

    @Option(names = "--geoip", paramLabel = "MMDB", defaultValue = "",
            description = "MaxMind GeoIP2/GeoLite2 City database. Env: STREAMCDN_ROUTER_GEOIP")
    String geoip;

    @Option(names = "--coverage-zones", paramLabel = "FILE", defaultValue = "",
            description = "Coverage zone file (Traffic Router's format: networks to zones), checked before GeoIP. "
                    + "Env: STREAMCDN_ROUTER_COVERAGE_ZONES")
    String coverageZones;

    @Option(names = "--default-location", paramLabel = "LAT,LON", defaultValue = "",
            description = "Where viewers nothing can locate are assumed to be. Env: STREAMCDN_ROUTER_DEFAULT_LOCATION")
    String defaultLocation;

    @Option(names = "--trusted-proxies", paramLabel = "CIDR,...", defaultValue = "",
            description = "Peers whose X-Forwarded-For is believed, like 10.0.0.0/8. Env: STREAMCDN_ROUTER_TRUSTED_PROXIES")
    String trustedProxies;

    @Option(names = "--dns-port", paramLabel = "PORT", defaultValue = "-1",
            description = "Port of the authoritative DNS server (UDP and TCP); needs --dns-zone. "
                    + "Env: STREAMCDN_ROUTER_DNS_PORT")
    int dnsPort;

    @Option(names = "--dns-zone", paramLabel = "ZONE", defaultValue = "",
            description = "The DNS zone the router answers for, like cdn.example. Env: STREAMCDN_ROUTER_DNS_ZONE")
    String dnsZone;

    @Option(names = "--health-interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "How often each edge's /health is checked. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ROUTER_HEALTH_INTERVAL")
    String healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = "1s",
            description = "How long one health check may take. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ROUTER_HEALTH_TIMEOUT")
    String healthTimeout;

    @Option(names = "--heartbeat-timeout", paramLabel = "DURATION", defaultValue = "15s",
            description = "A self-registered edge silent this long is unavailable. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ROUTER_HEARTBEAT_TIMEOUT")
    String heartbeatTimeout;

    @Option(names = "--tolerance-km", paramLabel = "KM", defaultValue = "500",
            description = "Edges this much farther than the nearest share its viewers (by video). "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ROUTER_TOLERANCE_KM")
    double toleranceKm;

    @Option(names = "--max-load", paramLabel = "RATIO", defaultValue = "0.9",
            description = "Edges reporting more load than this are skipped while others are available. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ROUTER_MAX_LOAD")
    double maxLoad;

    @Option(names = "--dns-nameserver-addresses", paramLabel = "IP,...", defaultValue = "",
            description = "This router's public addresses: answered for ns1.<zone> and sent as glue with NS answers "
                    + "(without them, resolvers rely on the parent zone's glue). Env: STREAMCDN_ROUTER_DNS_NAMESERVER_ADDRESSES")
    String dnsNameserverAddresses;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", defaultValue = "*",
            description = "Web origins whose pages may read the router's answers (a player page asking /api/route), "
                    + "* for any, or a comma-separated list like https://example.com. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ROUTER_CORS_ORIGINS")
    String corsOrigins;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "How the log is written: text (one line a person reads) or json (one JSON object per line, "
                    + "with the request fields of access-log lines). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ROUTER_LOG_FORMAT")
    String logFormat;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "",
            description = "Certificate chain (PEM) for HTTPS with HTTP/2; needs --tls-key. Env: STREAMCDN_ROUTER_TLS_CERT")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "",
            description = "Private key (PEM) of --tls-cert. Env: STREAMCDN_ROUTER_TLS_KEY")
    String tlsKey;

    @Option(names = "--tls-self-signed", defaultValue = "false",
            description = "Serve HTTPS with a certificate made at start for this router's names (its SHA-256 "
                    + "fingerprint is logged); for trials. Env: STREAMCDN_ROUTER_TLS_SELF_SIGNED")
    boolean tlsSelfSigned;

    @Option(names = "--admin-token-file", paramLabel = "FILE", defaultValue = "",
            description = "File holding the admin token that edge registrations, heartbeats and deregistrations must "
                    + "carry (Authorization: Bearer); wins over STREAMCDN_ADMIN_TOKEN. Without a token, they are "
                    + "accepted from this machine only. Env: STREAMCDN_ROUTER_ADMIN_TOKEN_FILE")
    String adminTokenFile;

    @Option(names = "--signing-keys-file", paramLabel = "FILE", defaultValue = "",
            description = "Key ring for signed URLs, one id:base64secret a line: the redirects' Location and "
                    + "/api/route's base carry a URL signed with the first key. Without it, they are unsigned. "
                    + "Env: STREAMCDN_ROUTER_SIGNING_KEYS_FILE")
    String signingKeysFile;

    @Option(names = "--signed-url-ttl", paramLabel = "DURATION", defaultValue = UrlSigner.DEFAULT_TTL_TEXT,
            description = "How long a signed URL stays valid, 1m to 7d. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ROUTER_SIGNED_URL_TTL")
    String signedUrlTtl;

    /** Where {@code STREAMCDN_ADMIN_TOKEN} is looked up; tests replace it. */
    java.util.Map<String, String> environment = System.getenv();

    public RouterConfig config() {
        return RouterConfig.builder()
                .host(host).port(port)
                .edgesFile(edges.isBlank() ? null : Path.of(edges))
                .geoip(geoip.isBlank() ? null : Path.of(geoip))
                .coverageZones(coverageZones.isBlank() ? null : Path.of(coverageZones))
                .defaultLocation(defaultLocation)
                .trustedProxies(trustedProxies)
                .dns(dnsPort < 0 ? null : dnsPort, dnsZone)
                .healthInterval(healthInterval).healthTimeout(healthTimeout).heartbeatTimeout(heartbeatTimeout)
                .toleranceKm(toleranceKm).maxLoad(maxLoad)
                .dnsNameserverAddresses(dnsNameserverAddresses)
                .corsOrigins(corsOrigins)
                .logFormat(logFormat)
                .tls(tlsCert.isBlank() ? null : Path.of(tlsCert), tlsKey.isBlank() ? null : Path.of(tlsKey))
                .tlsSelfSigned(tlsSelfSigned)
                .adminToken(AdminToken.resolve(adminTokenFile, environment))
                .signingKeys(SigningKeys.fromFile(signingKeysFile))
                .signedUrlTtl(signedUrlTtl)
                .build();
    }

    @Override
    public Integer call() throws Exception {
        RouterConfig config = config();
        config.logFormat().applyToConsole(); // before the first line the role writes
        LOG.info("starting router {}: {}", Version.current(), config.describe());
        RouterServer server = RoleCommand.start(config.host(), config.port(), () -> RouterServer.start(config));
        LOG.info("router listening on {}://{}:{}/", config.tls().isPresent() ? "https" : "http", config.host(),
                server.port());
        RoleCommand.runUntilStopped("router", server::close);
        return 0;
    }
}
