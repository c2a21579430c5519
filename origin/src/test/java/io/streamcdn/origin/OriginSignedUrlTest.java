package io.streamcdn.origin;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.SignedPath;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin with signing keys, over a published video and its catalog record: its API hands out signed links
 * that it serves; unsigned and badly signed paths are 403 with a reason; the admin token still reads plain paths;
 * and the two flags come from the command line or the environment, with one-line errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginSignedUrlTest {

    private static final String ID = "signed0video1";
    private static final byte[] SECRET = "origin signing secret, 32 bytes or more".getBytes(StandardCharsets.US_ASCII);
    private static final String TOKEN = "origin-admin-3e5a7c9b1d2f4a6c";

    @TempDir
    static Path dir;
    private TestOrigin origin;
    private final byte[] segment = new byte[20_000];

    @BeforeAll
    void start() throws Exception {
        Path data = dir.resolve("data");
        Path video = Files.createDirectories(data.resolve("videos").resolve(ID).resolve("360p"));
        new java.util.Random(3).nextBytes(segment);
        Files.writeString(video.getParent().resolve("manifest.mpd"), "<MPD/>\n");
        Files.write(video.resolve("seg-00001.m4s"), segment);
        // A ready video, as the encode queue leaves its record.
        Files.createDirectories(data.resolve("catalog"));
        Files.writeString(data.resolve("catalog").resolve(ID + ".json"), new JsonObject().put("id", ID)
                .put("title", "signed").put("state", "ready").put("progress", 1.0)
                .put("createdAt", "2025-01-01T00:00:00Z").put("updatedAt", "2025-01-01T00:01:00Z")
                .put("source", new JsonObject().put("container", "mp4").put("videoCodec", "h264").put("width", 640)
                        .put("height", 360).put("frameRate", 30.0).put("durationSeconds", 2.0).put("hasAudio", false))
                .put("durationSeconds", 2.0).put("attempts", 1).encode());
        origin = TestOrigin.start(data, 1L << 20, b -> b.signingKeys(Optional.of(SigningKeys.of("k1", SECRET)))
                .signedUrlTtl("1h").publicUrl("https://cdn.example.com")
                .adminToken(Optional.of(AdminToken.of(TOKEN, "test"))));
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @Test
    void theApiHandsOutSignedLinksUnderThePublicUrlThatTheOriginServes() throws Exception {
        JsonObject urls = origin.video(ID).getJsonObject("urls");
        JsonObject listed = new JsonObject(origin.get("/api/videos").body()).getJsonArray("videos").getJsonObject(0);
        String mpd = urls.getString("mpd");
        String path = mpd.substring("https://cdn.example.com".length());
        SignedPath signed = ((SignedPath.Signed) SignedPath.parse(path)).path();

        assertThat(mpd).startsWith("https://cdn.example.com/s/").endsWith("/k1/" + signed.signature() + "/videos/" + ID
                + "/manifest.mpd");
        assertThat(urls.getString("hls")).isEqualTo(mpd.replace("manifest.mpd", "master.m3u8"));
        assertThat(urls.getString("poster")).isEqualTo(mpd.replace("manifest.mpd", "poster.jpg"));
        assertThat(listed.getJsonObject("urls").getString("mpd")).startsWith("https://cdn.example.com/s/");
        assertThat(signed.expires() - Instant.now().getEpochSecond()).isBetween(3590L, 3601L);
        assertThat(origin.get(path).statusCode()).isEqualTo(200);
        HttpResponse<String> segmentAnswer = origin.get(signed.prefix() + "360p/seg-00001.m4s");
        assertThat(segmentAnswer.statusCode()).isEqualTo(200);
        assertThat(segmentAnswer.body().length()).isPositive();
    }

    @Test
    void unsignedTamperedAndForeignlySignedPathsAre403WithReasons() throws Exception {
        String good = new UrlSigner(SigningKeys.of("k1", SECRET), Duration.ofMinutes(5), Clock.systemUTC()).prefix(ID);
        String foreign = new UrlSigner(SigningKeys.of("k2", SECRET), Duration.ofMinutes(5), Clock.systemUTC()).prefix(ID);

        assertThat(refusal("/videos/" + ID + "/manifest.mpd")).isEqualTo("signed_url_missing");
        String signature = good.split("/")[4];
        String tampered = good.replace(signature, (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1));
        assertThat(refusal(tampered + "manifest.mpd")).isEqualTo("signed_url_bad_signature");
        assertThat(refusal(good.replace("/videos/" + ID, "/videos/other0video2") + "manifest.mpd"))
                .isEqualTo("signed_url_bad_signature");
        assertThat(refusal(foreign + "manifest.mpd")).isEqualTo("signed_url_unknown_key");
        assertThat(refusal("/s/1/k1/short/videos/" + ID + "/manifest.mpd")).isEqualTo("signed_url_malformed");
        assertThat(origin.scrapeMetrics()).contains("streamcdn_signed_url_refusals_total{reason=\"unknown_key\"");
    }

    @Test
    void theAdminTokenReadsThePlainPath() throws Exception {
        HttpResponse<byte[]> withToken = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(origin.uri("/videos/" + ID
                        + "/360p/seg-00001.m4s")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).isEqualTo(segment);
    }

    @Test
    void theFlagsComeFromTheCommandLineOrTheEnvironmentAndBadKeyFilesAreOneLine() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "k1:" + Base64.getEncoder().encodeToString(SECRET) + "\n");
        OriginCommand command = new OriginCommand();
        RoleCommand.commandLine("origin", command, Map.of("STREAMCDN_ORIGIN_SIGNING_KEYS_FILE", keys.toString(),
                "STREAMCDN_ORIGIN_SIGNED_URL_TTL", "90m")).parseArgs();
        OriginConfig config = command.config();

        assertThat(config.signingKeys()).hasValueSatisfying(k -> assertThat(k.ids()).containsExactly("k1"));
        assertThat(config.signedUrlTtl()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.describe()).contains("signing-keys=" + keys + " (k1)", "signed-url-ttl=90m")
                .doesNotContain(Base64.getEncoder().encodeToString(SECRET));
        assertThat(OriginConfig.defaults().signingKeys()).isEmpty();

        Path duplicate = Files.writeString(dir.resolve("duplicate"), "# two\nk1:" + Base64.getEncoder()
                .encodeToString(SECRET) + "\nk1:" + Base64.getEncoder().encodeToString(SECRET) + "\n");
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), Map.of());
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute("--signing-keys-file", duplicate.toString())).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString().lines()).singleElement().asString().isEqualTo("streamcdn origin: --signing-keys-file "
                + duplicate + " line 3: key id k1 is listed twice; every key needs its own id");
        assertThat(new CommandLine(new OriginCommand()).getUsageMessage()).contains("STREAMCDN_ORIGIN_SIGNING_KEYS_FILE",
                "STREAMCDN_ORIGIN_SIGNED_URL_TTL");
    }

    private String refusal(String path) throws Exception {
        HttpResponse<String> response = origin.get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(403);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        return new JsonObject(response.body()).getString("error");
    }
}
