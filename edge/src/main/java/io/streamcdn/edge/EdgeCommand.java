package io.streamcdn.edge;

import io.streamcdn.common.ConfigException;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.Version;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code streamcdn edge}: parses the flags (or their {@code STREAMCDN_EDGE_*} environment variables) into an
 * {@link EdgeConfig}, starts the {@link EdgeServer} and runs until SIGTERM or SIGINT, when it stops
 * gracefully. Run it through {@code RoleCommand.run("edge", new EdgeCommand(), args)}.
 */
@Command(name = "edge", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs an edge: a caching reverse proxy that serves the origin's videos to viewers from a "
                + "bounded disk cache.",
                "Every option can also be set by the environment variable shown with it; a flag wins over the "
                        + "environment, which wins over the default."})
public final class EdgeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = EdgeConfig.DEFAULT_HOST,
            description = "Address to listen on. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_HOST")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + EdgeConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_PORT")
    int port;

    @Option(names = "--origin", paramLabel = "URL", defaultValue = EdgeConfig.DEFAULT_ORIGIN,
            description = "The origin's URL. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_ORIGIN")
    String origin;

    @Option(names = "--parent", paramLabel = "URL", defaultValue = "",
            description = "A parent edge (mid tier) to fetch misses from; the origin is used when the parent "
                    + "cannot be reached. Env: STREAMCDN_EDGE_PARENT")
    String parent;

    @Option(names = "--cache-dir", paramLabel = "DIR", defaultValue = EdgeConfig.DEFAULT_CACHE_DIR,
            description = "Folder of the disk cache; kept across restarts. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_EDGE_CACHE_DIR")
    Path cacheDir;

    @Option(names = "--cache-max", paramLabel = "SIZE", defaultValue = EdgeConfig.DEFAULT_CACHE_MAX,
            description = "Most bytes the cache keeps on disk, like 10g or 500m. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_EDGE_CACHE_MAX")
    String cacheMax;

    @Option(names = "--stale-if-error", paramLabel = "DURATION", defaultValue = EdgeConfig.DEFAULT_STALE_IF_ERROR,
            description = "How long past its freshness a cached object is still served while the upstream fails "
                    + "(an upstream's own stale-if-error wins). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_EDGE_STALE_IF_ERROR")
    String staleIfError;

    @Option(names = "--upstream-timeout", paramLabel = "DURATION", defaultValue = EdgeConfig.DEFAULT_UPSTREAM_TIMEOUT,
            description = "How long to wait for an upstream to connect, answer or send more bytes. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_UPSTREAM_TIMEOUT")
    String upstreamTimeout;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "" + EdgeConfig.DEFAULT_PREFETCH,
            description = "Segments fetched ahead after one is served, 0 to " + EdgeConfig.MAX_PREFETCH
                    + "; 0 turns prefetch off. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_PREFETCH")
    int prefetch;

    @Option(names = "--router", paramLabel = "URL", defaultValue = "",
            description = "The router to register with (heartbeat every 5 s). Env: STREAMCDN_EDGE_ROUTER")
    String router;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "",
            description = "This edge's name in the router and in Via headers, like edge-eu-1. "
                    + "Default: edge-<host name>. Env: STREAMCDN_EDGE_NAME")
    String name;

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "",
            description = "The URL viewers reach this edge at; required with --router when listening on all "
                    + "interfaces. Env: STREAMCDN_EDGE_PUBLIC_URL")
    String publicUrl;

    @Option(names = "--location", paramLabel = "LAT,LON", defaultValue = "",
            description = "Where this edge is, in degrees, like 52.37,4.89; the router ranks edges by distance. "
                    + "Env: STREAMCDN_EDGE_LOCATION")
    String location;

    @Option(names = "--capacity-mbps", paramLabel = "MBPS", defaultValue = "1000",
            description = "Outgoing bandwidth this edge should serve, announced to the router. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_CAPACITY_MBPS")
    long capacityMbps;

    @Option(names = "--capacity-connections", paramLabel = "N", defaultValue = "10000",
            description = "Open connections this edge should hold, announced to the router. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_CAPACITY_CONNECTIONS")
    int capacityConnections;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "",
            description = "Certificate chain (PEM) for HTTPS with HTTP/2; needs --tls-key. Env: STREAMCDN_EDGE_TLS_CERT")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "",
            description = "Private key (PEM) of --tls-cert. Env: STREAMCDN_EDGE_TLS_KEY")
    String tlsKey;

    @Option(names = "--tls-self-signed", defaultValue = "false",
            description = "Serve HTTPS with a certificate made at start for this edge's names (its SHA-256 "
                    + "fingerprint is logged); for trials. Env: STREAMCDN_EDGE_TLS_SELF_SIGNED")
    boolean tlsSelfSigned;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", defaultValue = "*",
            description = "Web origins whose pages may read the responses: * or a comma-separated list. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_EDGE_CORS_ORIGINS")
    String corsOrigins;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "How the log is written: text (one line a person reads) or json (one JSON object per line, "
                    + "with the request fields of access-log lines). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_EDGE_LOG_FORMAT")
    String logFormat;

    @Option(names = "--admin-token-file", paramLabel = "FILE", defaultValue = "",
            description = "File holding the admin token that purges must carry (Authorization: Bearer) and that "
                    + "heartbeats to the router carry; wins over STREAMCDN_ADMIN_TOKEN. Without a token, purges are "
                    + "accepted from this machine only. Env: STREAMCDN_EDGE_ADMIN_TOKEN_FILE")
    String adminTokenFile;

    @Option(names = "--signing-keys-file", paramLabel = "FILE", defaultValue = "",
            description = "Key ring for signed URLs, one id:base64secret a line (the first signs, every one verifies); "
                    + "viewers then need signed URLs (/s/...) and the edge signs its upstream requests. Without it, "
                    + "video files are served unsigned. Env: STREAMCDN_EDGE_SIGNING_KEYS_FILE")
    String signingKeysFile;

    /** Where {@code STREAMCDN_ADMIN_TOKEN} is looked up; tests replace it. */
    java.util.Map<String, String> environment = System.getenv();

    /** The configuration the parsed flags describe; throws {@link ConfigException} for a bad value. */
    public EdgeConfig config() {
        return EdgeConfig.builder()
                .host(host)
                .port(port)
                .origin(origin)
                .parent(parent)
                .cacheDir(cacheDir)
                .cacheMax(cacheMax)
                .staleIfError(staleIfError)
                .upstreamTimeout(upstreamTimeout)
                .prefetch(prefetch)
                .router(router)
                .name(name)
                .publicUrl(publicUrl)
                .location(location)
                .capacityMbps(capacityMbps)
                .capacityConnections(capacityConnections)
                .tls(tlsCert.isBlank() ? null : Path.of(tlsCert), tlsKey.isBlank() ? null : Path.of(tlsKey))
                .tlsSelfSigned(tlsSelfSigned)
                .corsOrigins(corsOrigins)
                .logFormat(logFormat)
                .adminToken(AdminToken.resolve(adminTokenFile, environment))
                .signingKeys(SigningKeys.fromFile(signingKeysFile))
                .build();
    }

    @Override
    public Integer call() throws Exception {
        EdgeConfig config = config();
        config.logFormat().applyToConsole(); // before the first line the role writes
        LOG.info("starting edge {}: {}", Version.current(), config.describe());
        EdgeServer server = RoleCommand.start(config.host(), config.port(), () -> EdgeServer.start(config));
        String scheme = config.tls().isPresent() ? "https" : "http";
        LOG.info("edge {} listening on {}://{}:{}/ (upstream {}, cache {} in {})", config.name(), scheme, config.host(),
                server.port(), config.upstream(), io.streamcdn.common.ByteSize.format(config.cacheMaxBytes()),
                config.cacheDir());
        RoleCommand.runUntilStopped("edge " + config.name(), server::close);
        return 0;
    }
}
