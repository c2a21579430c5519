package io.streamcdn.router;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.SignedPath;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.edge.EdgeConfig;
import io.streamcdn.edge.EdgeServer;
import io.streamcdn.media.PackageLayout;
import io.streamcdn.media.SampleVideo;
import io.streamcdn.origin.testing.TestOrigin;
import io.streamcdn.router.testing.TestRouter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed URLs through every real part: an origin (with the key ring) encodes a real video, an edge with the same
 * ring registers with a router that signs what it hands out. A player following the router's redirect gets the
 * manifest from the edge and then its init and media segments under the same signed prefix; /api/route's base
 * does the same; the origin's own video links are signed and play; a tampered URL is refused at the edge without a
 * request reaching the origin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedUrlEndToEndTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-end-to-end".getBytes();

    @TempDir
    static Path dir;
    private Path keyFile;
    private TestOrigin origin;
    private TestRouter router;
    private EdgeServer edge;
    private String edgeUrl;
    private String id;
    private String rendition;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void start() throws Exception {
        // The same file on every role, as an operator would deploy it.
        keyFile = Files.writeString(dir.resolve("signing-keys"), "k1:" + Base64.getEncoder().encodeToString(SECRET) + "\n");
        Optional<SigningKeys> keys = SigningKeys.fromFile(keyFile.toString());
        Path sample = dir.resolve("sample.mp4");
        SampleVideo.write(sample, 2);
        origin = TestOrigin.start(dir.resolve("origin"), 64L << 20, b -> b.signingKeys(keys).signedUrlTtl("10m"));
        router = TestRouter.start(b -> b.defaultLocation("52.37,4.89").signingKeys(keys).signedUrlTtl("10m"));
        id = new JsonObject(origin.upload("?title=signed", "video/mp4", Files.readAllBytes(sample)).body()).getString("id");
        origin.awaitVideo(id, v -> TestOrigin.inState(v, "ready"), Duration.ofSeconds(120), v -> { });
        rendition = origin.video(id).getJsonArray("renditions").getJsonObject(0).getString("id");

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        edgeUrl = "http://127.0.0.1:" + port;
        edge = EdgeServer.start(EdgeConfig.builder().host("127.0.0.1").port(port).name("edge-signed")
                .origin("http://127.0.0.1:" + origin.port()).cacheDir(dir.resolve("edge-cache")).signingKeys(keys)
                .router(router.url()).publicUrl(edgeUrl).location("52.37,4.89").build())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        router.await(TestRouter.available("edge-signed", true), "the edge registered and healthy");
    }

    @AfterAll
    void stop() throws Exception {
        edge.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        router.close();
        origin.close();
    }

    @Test
    void aPlayerFollowingTheRoutersSignedRedirectGetsTheManifestAndItsSegmentsFromTheEdge() throws Exception {
        HttpResponse<String> redirect = router.get("/videos/" + id + "/manifest.mpd");
        String location = redirect.headers().firstValue("Location").orElseThrow();

        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(location).matches(java.util.regex.Pattern.quote(edgeUrl) + "/s/\\d{10}/k1/[A-Za-z0-9_-]{43}/videos/"
                + id + "/manifest.mpd");
        SignedPath signed = ((SignedPath.Signed) SignedPath.parse(URI.create(location).getPath())).path();
        assertThat(signed.expires() - Instant.now().getEpochSecond()).as("the router's --signed-url-ttl")
                .isBetween(590L, 601L);

        HttpResponse<String> manifest = get(location);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.body()).contains("initialization=\"" + PackageLayout.INIT_TEMPLATE + "\"")
                .contains("media=\"" + PackageLayout.SEGMENT_TEMPLATE + "\"");
        // The player resolves the manifest's relative templates against the manifest's (signed) URL.
        URI manifestUri = URI.create(location);
        HttpResponse<byte[]> init = getBytes(manifestUri.resolve(rendition + "/" + PackageLayout.INIT).toString());
        HttpResponse<byte[]> segment = getBytes(manifestUri.resolve(rendition + "/" + PackageLayout.segmentFile(1))
                .toString());

        assertThat(init.uri().getPath()).startsWith(signed.prefix());
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(new String(init.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(segment.statusCode()).isEqualTo(200);
        assertThat(segment.body()).isEqualTo(Files.readAllBytes(dir.resolve("origin/videos").resolve(id)
                .resolve(rendition).resolve(PackageLayout.segmentFile(1))));
    }

    @Test
    void theRouteApiGivesTheEdgeASignedBaseThatPlays() throws Exception {
        JsonObject route = new JsonObject(router.get("/api/route?video=" + id).body());
        JsonObject first = route.getJsonArray("edges").getJsonObject(0);
        String base = first.getString("base");

        assertThat(first.getString("url")).isEqualTo(edgeUrl);
        assertThat(base).startsWith(edgeUrl + "/s/").endsWith("/videos/" + id + "/");
        assertThat(get(base + PackageLayout.MPD).statusCode()).isEqualTo(200);
        assertThat(getBytes(base + rendition + "/" + PackageLayout.INIT).statusCode()).isEqualTo(200);
    }

    @Test
    void theOriginSignsItsVideoLinksAndServesThemButNotTheUnsignedPath() throws Exception {
        JsonObject urls = origin.video(id).getJsonObject("urls");
        String mpd = urls.getString("mpd");

        assertThat(mpd).startsWith("/s/").endsWith("/videos/" + id + "/manifest.mpd");
        assertThat(urls.getString("poster")).startsWith(mpd.substring(0, mpd.length() - "manifest.mpd".length()));
        assertThat(origin.get(mpd).statusCode()).as("from the origin").isEqualTo(200);
        assertThat(get(edgeUrl + mpd).statusCode()).as("the same link on the edge").isEqualTo(200);
        HttpResponse<String> unsigned = origin.get("/videos/" + id + "/manifest.mpd");
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(unsigned.body()).getString("error")).isEqualTo("signed_url_missing");
        assertThat(origin.scrapeMetrics()).contains("streamcdn_signed_url_refusals_total{reason=\"missing\"");
    }

    @Test
    void anotherVideosSignatureFromTheRouterIsRefusedAtTheEdgeAndNeverReachesTheOrigin() throws Exception {
        String location = router.get("/videos/zzzz99990000/manifest.mpd").headers().firstValue("Location").orElseThrow();
        String forged = location.replace("zzzz99990000", id).replace("manifest.mpd", rendition + "/seg-00003.m4s");
        long before = originFileRequests();

        HttpResponse<String> refused = get(forged);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("signed_url_bad_signature");
        assertThat(originFileRequests()).isEqualTo(before);
    }

    @Test
    void theRouterTakesItsKeyFileFromTheFlagOrEnvironmentAndRefusesBadOnesInOneLine() throws Exception {
        RouterCommand fromEnvironment = new RouterCommand();
        RoleCommand.commandLine("router", fromEnvironment, Map.of("STREAMCDN_ROUTER_SIGNING_KEYS_FILE",
                keyFile.toString(), "STREAMCDN_ROUTER_SIGNED_URL_TTL", "2h")).parseArgs();
        RouterConfig config = fromEnvironment.config();
        assertThat(config.signingKeys()).hasValueSatisfying(k -> assertThat(k.ids()).containsExactly("k1"));
        assertThat(config.signedUrlTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(config.describe()).contains("signing-keys=" + keyFile + " (k1)", "signed-url-ttl=2h")
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET));

        Path three = Files.writeString(dir.resolve("three-keys"), "a:" + b64() + "\nb:" + b64() + "\nc:" + b64() + "\n");
        assertThat(refusal("--signing-keys-file", three.toString())).isEqualTo("streamcdn router: --signing-keys-file "
                + three + " holds 3 keys; give one, or two while rotating (the first signs, both verify)");
        assertThat(refusal("--signing-keys-file", keyFile.toString(), "--signed-url-ttl", "30s"))
                .isEqualTo("streamcdn router: --signed-url-ttl 30s is outside 1m..7d");
        assertThat(new CommandLine(new RouterCommand()).getUsageMessage()).contains("--signing-keys-file",
                "STREAMCDN_ROUTER_SIGNING_KEYS_FILE", "--signed-url-ttl", "STREAMCDN_ROUTER_SIGNED_URL_TTL");
    }

    @Test
    void theUrlsTheRouterSignsVerifyWithTheKeyFileAndNothingElse() throws Exception {
        String location = router.get("/videos/" + id + "/master.m3u8?session=7").headers().firstValue("Location")
                .orElseThrow();
        URI uri = URI.create(location);
        SignedPath path = ((SignedPath.Signed) SignedPath.parse(uri.getPath())).path();

        assertThat(uri.getQuery()).isEqualTo("session=7");
        assertThat(new UrlSigner(SigningKeys.fromFile(keyFile.toString()).orElseThrow(), Duration.ofHours(1),
                Clock.systemUTC()).verify(path)).isEqualTo(UrlSigner.Verdict.VALID);
        assertThat(new UrlSigner(SigningKeys.of("k1", "another secret of thirty-two bytes!".getBytes()),
                Duration.ofHours(1), Clock.systemUTC()).verify(path)).isEqualTo(UrlSigner.Verdict.BAD_SIGNATURE);
    }

    private static String refusal(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("router", new RouterCommand(), Map.of());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        return err.toString().lines().reduce((a, b) -> a + " | " + b).orElse("");
    }

    private static String b64() {
        return Base64.getEncoder().encodeToString(SECRET);
    }

    private long originFileRequests() throws Exception {
        double total = 0;
        for (String line : origin.scrapeMetrics().split("\n")) {
            if (line.startsWith("streamcdn_files_served_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(total);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> getBytes(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
