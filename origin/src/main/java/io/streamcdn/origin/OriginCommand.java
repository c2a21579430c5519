package io.streamcdn.origin;

import io.streamcdn.common.ConfigException;
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
 * {@code streamcdn origin}: parses the flags (or their {@code STREAMCDN_ORIGIN_*} environment variables)
 * into an {@link OriginConfig}, starts the {@link OriginServer} and runs until SIGTERM or SIGINT, when it
 * stops gracefully. Run it through {@code RoleCommand.run("origin", new OriginCommand(), args)}.
 */
@Command(name = "origin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs the origin: accepts uploads, encodes them into an adaptive ladder, and serves the "
                + "published videos over HTTP.",
                "Every option can also be set by the environment variable shown with it; a flag wins over the "
                        + "environment, which wins over the default."})
public final class OriginCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(OriginCommand.class);

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = OriginConfig.DEFAULT_HOST,
            description = "Address to listen on. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_HOST")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + OriginConfig.DEFAULT_PORT,
            description = "Port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_PORT")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = OriginConfig.DEFAULT_DATA_DIR,
            description = "Where uploads, sources, the catalog and published videos live. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_DATA_DIR")
    Path dataDir;

    @Option(names = "--max-upload", paramLabel = "SIZE", defaultValue = OriginConfig.DEFAULT_MAX_UPLOAD,
            description = "Largest upload accepted, like 4g, 512m. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_MAX_UPLOAD")
    String maxUpload;

    @Option(names = "--encode-workers", paramLabel = "N", defaultValue = "1",
            description = "Encodes run at once (1 to twice the cores). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_ENCODE_WORKERS")
    int encodeWorkers;

    @Option(names = "--ladder", paramLabel = "RUNGS", defaultValue = "1080p:5000k,720p:3000k,480p:1400k,360p:800k,240p:400k",
            description = "Bitrate ladder, HEIGHTp:KBPSk separated by commas; rungs above the source are dropped. "
                    + "Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_LADDER")
    String ladder;

    @Option(names = "--segment-seconds", paramLabel = "SECONDS", defaultValue = "2",
            description = "Segment duration and keyframe interval, 1 to 10. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_SEGMENT_SECONDS")
    double segmentSeconds;

    @Option(names = "--x264-preset", paramLabel = "PRESET", defaultValue = "veryfast",
            description = "x264 speed/quality preset (ultrafast ... veryslow). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_X264_PRESET")
    String x264Preset;

    @Option(names = "--audio-bitrate", paramLabel = "KBPS", defaultValue = "128k",
            description = "AAC bitrate, 32k to 320k. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_AUDIO_BITRATE")
    String audioBitrate;

    @Option(names = "--encode-threads", paramLabel = "N", defaultValue = "0",
            description = "x264 threads shared by the rungs of one encode, split by pixel count; 0 lets x264 choose per rung. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_ENCODE_THREADS")
    int encodeThreads;

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "",
            description = "Base URL for absolute links in API answers, e.g. https://cdn.example.com; "
                    + "by default links are relative to the address each client used. Env: STREAMCDN_ORIGIN_PUBLIC_URL")
    String publicUrl;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", defaultValue = "*",
            description = "Web origins whose pages may read the responses: * or a comma-separated list like "
                    + "https://example.com. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_ORIGIN_CORS_ORIGINS")
    String corsOrigins;

    @Option(names = "--router-url", paramLabel = "URL", defaultValue = "",
            description = "The router the web player asks for the edges to play from (GET /api/route), e.g. "
                    + "http://router.example.com:8090; without it the player plays straight from the origin. "
                    + "Env: STREAMCDN_ORIGIN_ROUTER_URL")
    String routerUrl;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "How the log is written: text (one line a person reads) or json (one JSON object per line, "
                    + "with the request fields of access-log lines). Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_LOG_FORMAT")
    String logFormat;

    @Option(names = "--tls-cert", paramLabel = "PEM", defaultValue = "",
            description = "Certificate chain (PEM) for HTTPS with HTTP/2; needs --tls-key. Env: STREAMCDN_ORIGIN_TLS_CERT")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", defaultValue = "",
            description = "Private key (PEM) of --tls-cert. Env: STREAMCDN_ORIGIN_TLS_KEY")
    String tlsKey;

    @Option(names = "--tls-self-signed", defaultValue = "false",
            description = "Serve HTTPS with a certificate made at start for this origin's names (its SHA-256 "
                    + "fingerprint is logged); for trials. Env: STREAMCDN_ORIGIN_TLS_SELF_SIGNED")
    boolean tlsSelfSigned;

    @Option(names = "--admin-token-file", paramLabel = "FILE", defaultValue = "",
            description = "File holding the admin token that uploads and deletes must carry (Authorization: Bearer); "
                    + "wins over STREAMCDN_ADMIN_TOKEN. Without a token, uploads and deletes are accepted from this "
                    + "machine only. Env: STREAMCDN_ORIGIN_ADMIN_TOKEN_FILE")
    String adminTokenFile;

    @Option(names = "--signing-keys-file", paramLabel = "FILE", defaultValue = "",
            description = "Key ring for signed URLs, one id:base64secret a line (the first signs, every one verifies): "
                    + "the video links in API answers are signed, and /videos/ files are served only under signed URLs "
                    + "(/s/...) or with the admin token. Without it, everything is unsigned. "
                    + "Env: STREAMCDN_ORIGIN_SIGNING_KEYS_FILE")
    String signingKeysFile;

    @Option(names = "--signed-url-ttl", paramLabel = "DURATION", defaultValue = UrlSigner.DEFAULT_TTL_TEXT,
            description = "How long a signed link stays valid, 1m to 7d. Default: ${DEFAULT-VALUE}. "
                    + "Env: STREAMCDN_ORIGIN_SIGNED_URL_TTL")
    String signedUrlTtl;

    /** Where {@code STREAMCDN_ADMIN_TOKEN} is looked up; tests replace it. */
    java.util.Map<String, String> environment = System.getenv();

    /** The configuration the parsed flags describe; throws {@link ConfigException} for a bad value. */
    public OriginConfig config() {
        return OriginConfig.builder()
                .host(host)
                .port(port)
                .dataDir(dataDir)
                .maxUpload(maxUpload)
                .encodeWorkers(encodeWorkers)
                .ladder(ladder)
                .segmentSeconds(segmentSeconds)
                .x264Preset(x264Preset)
                .audioBitrate(audioBitrate)
                .encodeThreads(encodeThreads)
                .publicUrl(publicUrl)
                .corsOrigins(corsOrigins)
                .routerUrl(routerUrl)
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
        OriginConfig config = config();
        config.logFormat().applyToConsole(); // before the first line the role writes
        LOG.info("starting origin {}: {}", Version.current(), config.describe());
        OriginServer server = RoleCommand.start(config.host(), config.port(), () -> OriginServer.start(config));
        LOG.info("origin listening on {}://{}:{}/ (data in {})", config.tls().isPresent() ? "https" : "http",
                config.host(), server.port(), config.dataDir());
        RoleCommand.runUntilStopped("origin", server::close);
        return 0;
    }
}
