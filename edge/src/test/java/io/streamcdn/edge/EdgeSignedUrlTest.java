package io.streamcdn.edge;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.common.testing.CapturedLog;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.TestEdge;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edges with signing keys, in front of a real origin: signed URLs are served and share the cache with every other
 * signature for the same file; every kind of bad URL is a 403 with a reason, counted, that reaches neither the cache
 * nor the origin; rotation; edges without keys; the edge signing its own upstream requests for an origin that
 * requires signatures; and key-file mistakes as one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeSignedUrlTest {

    private static final byte[] OLD = secret(1);
    private static final byte[] NEW = secret(2);
    private static final String VIDEO = "sig1video0001";
    private static final String OTHER = "sig2video0002";
    private static final String TOKEN = "edge-admin-0a1b2c3d4e5f6a7b";

    @TempDir
    static Path dir;
    private CapturedLog log;
    private TestOrigin origin;
    private OriginFiles files;
    private TestEdge edge;
    private final UrlSigner k1 = signer(SigningKeys.of("k1", OLD), Clock.systemUTC());

    @BeforeAll
    void start() throws Exception {
        log = new CapturedLog();
        origin = TestOrigin.start(dir.resolve("origin"), 64L << 20);
        files = new OriginFiles(origin, dir.resolve("origin"));
        edge = TestEdge.start("edge-signed", dir.resolve("edge"), "http://127.0.0.1:" + origin.port(),
                Clock.systemUTC(), b -> b.signingKeys(Optional.of(SigningKeys.of("k1", OLD)))
                        .adminToken(Optional.of(AdminToken.of(TOKEN, "test"))));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            edge.close();
            origin.close();
        } finally {
            log.close();
        }
        String[] secrets = {Base64.getEncoder().encodeToString(OLD), Base64.getEncoder().encodeToString(NEW),
                Base64.getUrlEncoder().withoutPadding().encodeToString(OLD)};
        assertThat(log.lines()).as("the log").isNotEmpty()
                .noneMatch(line -> line.contains(secrets[0]) || line.contains(secrets[1]) || line.contains(secrets[2]));
    }

    @Test
    void aSignedUrlIsServedAndCachedAsItsUnsignedPathSoOtherSignaturesHit() throws Exception {
        byte[] segment = files.publish(VIDEO, "720p/seg-00001.m4s", 50_000);
        long before = files.servedCount();
        double stored = edge.metric("streamcdn_edge_stored_total");

        HttpResponse<byte[]> first = edge.get(k1.sign(OriginFiles.url(VIDEO, "720p/seg-00001.m4s")));
        edge.awaitMetric("streamcdn_edge_stored_total", stored + 1); // the viewer may finish before the store
        // Another viewer, another expiry, another signature: the same cache entry.
        UrlSigner later = new UrlSigner(SigningKeys.of("k1", OLD), Duration.ofHours(2), Clock.systemUTC());
        HttpResponse<byte[]> second = edge.get(later.sign(OriginFiles.url(VIDEO, "720p/seg-00001.m4s")));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo(segment);
        assertThat(first.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("X-Cache")).contains("HIT");
        assertThat(second.body()).isEqualTo(segment);
        assertThat(files.servedCount() - before).as("origin requests").isEqualTo(1);
    }

    @Test
    void theManifestsSignedPrefixCoversItsRelativelyAddressedSegments() throws Exception {
        files.publish(VIDEO, "manifest.mpd", "<MPD><SegmentTemplate media=\"360p/seg-$Number%05d$.m4s\"/></MPD>"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] init = files.publish(VIDEO, "360p/init.mp4", 900);
        String prefix = k1.prefix(VIDEO);

        HttpResponse<byte[]> manifest = edge.get(prefix + "manifest.mpd");
        // What a player does with a relative URL in a manifest: resolve it against the manifest's own URL.
        String resolved = edge.uri(prefix + "manifest.mpd").resolve("360p/init.mp4").getPath();
        HttpResponse<byte[]> initSegment = edge.get(resolved);

        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(resolved).isEqualTo(prefix + "360p/init.mp4");
        assertThat(initSegment.statusCode()).isEqualTo(200);
        assertThat(initSegment.body()).isEqualTo(init);
    }

    @Test
    void everyBadUrlIs403WithAReasonCountedAndReachesNeitherTheCacheNorTheOrigin() throws Exception {
        UrlSigner expiredSigner = signer(SigningKeys.of("k1", OLD),
                Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC)); // expired an hour ago
        UrlSigner unknownKey = signer(SigningKeys.of("k9", NEW), Clock.systemUTC());
        String otherPrefix = k1.prefix(OTHER);
        String good = k1.prefix(VIDEO);
        String signature = good.split("/")[4];
        String tampered = good.replace(signature, signature.charAt(0) == 'A' ? "B" + signature.substring(1)
                : "A" + signature.substring(1));
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("missing", "/videos/" + VIDEO + "/refused/missing.m4s");
        cases.put("bad_signature", tampered + "refused/tampered.m4s");
        cases.put("bad_signature ", otherPrefix.replace(OTHER, VIDEO) + "refused/other-video.m4s");
        cases.put("expired", expiredSigner.prefix(VIDEO) + "refused/expired.m4s");
        cases.put("unknown_key", unknownKey.prefix(VIDEO) + "refused/unknown.m4s");
        cases.put("malformed", good.replace("/videos/", "/videos//") + "refused/malformed.m4s");
        for (String file : new String[] {"missing", "tampered", "other-video", "expired", "unknown", "malformed"}) {
            files.publish(VIDEO, "refused/" + file + ".m4s", 1000);
        }
        long originBefore = files.servedCount();
        double entriesBefore = edge.metric("streamcdn_edge_cache_entries");

        for (Map.Entry<String, String> c : cases.entrySet()) {
            String reason = c.getKey().strip();
            double countedBefore = refusals(reason);
            HttpResponse<byte[]> response = edge.send(HttpRequest.newBuilder(edge.uri(c.getValue()))
                    .header("Origin", "https://player.example"));
            HttpResponse<byte[]> head = edge.send(HttpRequest.newBuilder(edge.uri(c.getValue()))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));

            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(403);
            JsonObject body = new JsonObject(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(body.getString("error")).as(c.getKey()).isEqualTo("signed_url_" + reason);
            assertThat(body.getString("reason")).as(c.getKey()).isNotBlank();
            assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).as("CORS on a 403").contains("*");
            assertThat(response.headers().firstValue("Access-Control-Expose-Headers")).isPresent();
            assertThat(head.statusCode()).as(c.getKey() + " HEAD").isEqualTo(403);
            assertThat(refusals(reason) - countedBefore).as(c.getKey() + " counted").isEqualTo(2);
        }
        assertThat(files.servedCount()).as("requests that reached the origin").isEqualTo(originBefore);
        assertThat(edge.metric("streamcdn_edge_cache_entries")).as("cache entries").isEqualTo(entriesBefore);
        assertThat(edge.get("/health").statusCode()).as("the edge keeps serving").isEqualTo(200);
        assertThat(log.lines()).anyMatch(line -> line.contains("refused GET") && line.contains("expired"));
    }

    @Test
    void aCorsPreflightForASignedUrlIsAnswered() throws Exception {
        HttpResponse<byte[]> preflight = edge.send(HttpRequest.newBuilder(edge.uri(k1.prefix(VIDEO) + "manifest.mpd"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://player.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "range"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(
                v -> assertThat(v).contains("Range"));
    }

    @Test
    void theAdminTokenFetchesUnsignedPathsWhileSigningIsOn() throws Exception {
        byte[] poster = files.publish(VIDEO, "poster.jpg", 3000);

        HttpResponse<byte[]> withToken = edge.get(OriginFiles.url(VIDEO, "poster.jpg"), "Authorization", "Bearer " + TOKEN);
        HttpResponse<byte[]> wrongToken = edge.get(OriginFiles.url(VIDEO, "poster.jpg"), "Authorization",
                "Bearer " + TOKEN + "x");

        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).isEqualTo(poster);
        assertThat(wrongToken.statusCode()).isEqualTo(403);
    }

    @Test
    void rotationOldUrlsPassWhileTheOldKeyIsSecondAndAreRefusedOnceItIsDropped() throws Exception {
        byte[] content = files.publish(VIDEO, "rotation/seg-00001.m4s", 4000);
        String signedWithOld = k1.sign(OriginFiles.url(VIDEO, "rotation/seg-00001.m4s"));
        String signedWithNew = signer(SigningKeys.of("k2", NEW), Clock.systemUTC())
                .sign(OriginFiles.url(VIDEO, "rotation/seg-00001.m4s"));
        Path cache = dir.resolve("rotating-edge");

        // Step 1 and 2 of a rotation: the new key is on every edge (here, already first on the signers).
        try (TestEdge both = TestEdge.start("edge-rotating", cache, "http://127.0.0.1:" + origin.port(),
                Clock.systemUTC(), b -> b.signingKeys(Optional.of(SigningKeys.of("k2", NEW, "k1", OLD))))) {
            assertThat(both.get(signedWithOld).statusCode()).isEqualTo(200);
            both.awaitMetric("streamcdn_edge_stored_total", 1);
            assertThat(both.get(signedWithNew).statusCode()).isEqualTo(200);
        }
        // Step 3: the old key is dropped.
        try (TestEdge onlyNew = TestEdge.start("edge-rotating", cache, "http://127.0.0.1:" + origin.port(),
                Clock.systemUTC(), b -> b.signingKeys(Optional.of(SigningKeys.of("k2", NEW))))) {
            HttpResponse<byte[]> old = onlyNew.get(signedWithOld);
            HttpResponse<byte[]> fresh = onlyNew.get(signedWithNew);

            assertThat(old.statusCode()).isEqualTo(403);
            assertThat(new JsonObject(new String(old.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .getString("error")).isEqualTo("signed_url_unknown_key");
            assertThat(fresh.statusCode()).isEqualTo(200);
            assertThat(fresh.headers().firstValue("X-Cache")).as("kept across the restart").contains("HIT");
            assertThat(fresh.body()).isEqualTo(content);
        }
    }

    @Test
    void withoutKeysUnsignedAndSignedPathsAreBothServed() throws Exception {
        byte[] content = files.publish(VIDEO, "open/seg-00001.m4s", 2000);
        try (TestEdge open = TestEdge.start("edge-open", dir.resolve("open-edge"), "http://127.0.0.1:" + origin.port(),
                Clock.systemUTC(), b -> b)) {
            HttpResponse<byte[]> plain = open.get(OriginFiles.url(VIDEO, "open/seg-00001.m4s"));
            open.awaitMetric("streamcdn_edge_stored_total", 1);
            // An edge without keys cannot check a signature; its unsigned paths are open, so the signed one is too.
            HttpResponse<byte[]> signed = open.get(signer(SigningKeys.of("k9", NEW), Clock.systemUTC())
                    .sign(OriginFiles.url(VIDEO, "open/seg-00001.m4s")));
            HttpResponse<byte[]> malformed = open.get("/s/1/k1/short/videos/" + VIDEO + "/open/seg-00001.m4s");

            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body()).isEqualTo(content);
            assertThat(signed.statusCode()).isEqualTo(200);
            assertThat(signed.headers().firstValue("X-Cache")).contains("HIT");
            assertThat(malformed.statusCode()).isEqualTo(400);
        }
        assertThat(edge.get(OriginFiles.url(VIDEO, "open/seg-00001.m4s")).statusCode())
                .as("the same request on the signing edge").isEqualTo(403);
    }

    @Test
    void anOriginThatRequiresSignaturesServesItsEdgesWhichSignTheirUpstreamRequests() throws Exception {
        Path data = dir.resolve("signing-origin");
        try (TestOrigin signing = TestOrigin.start(data, 64L << 20,
                b -> b.signingKeys(Optional.of(SigningKeys.of("k1", OLD))));
             TestEdge signingEdge = TestEdge.start("edge-upstream-signer", dir.resolve("upstream-signer"),
                     "http://127.0.0.1:" + signing.port(), Clock.systemUTC(),
                     b -> b.signingKeys(Optional.of(SigningKeys.of("k1", OLD))));
             TestEdge plainEdge = TestEdge.start("edge-unsigned-upstream", dir.resolve("unsigned-upstream"),
                     "http://127.0.0.1:" + signing.port(), Clock.systemUTC(), b -> b)) {
            byte[] content = new OriginFiles(signing, data).publish(VIDEO, "720p/seg-00002.m4s", 8000);

            HttpResponse<String> direct = signing.get(OriginFiles.url(VIDEO, "720p/seg-00002.m4s"));
            HttpResponse<byte[]> throughEdge = signingEdge.get(k1.sign(OriginFiles.url(VIDEO, "720p/seg-00002.m4s")));
            HttpResponse<byte[]> throughEdgeWithoutKeys = plainEdge.get(OriginFiles.url(VIDEO, "720p/seg-00002.m4s"));

            assertThat(direct.statusCode()).as("unsigned, straight to the origin").isEqualTo(403);
            assertThat(throughEdge.statusCode()).isEqualTo(200);
            assertThat(throughEdge.body()).isEqualTo(content);
            assertThat(throughEdgeWithoutKeys.statusCode()).as("an edge without the keys is refused upstream")
                    .isEqualTo(403);
            assertThat(throughEdgeWithoutKeys.headers().firstValue("X-Cache")).contains("MISS");
        }
    }

    @Test
    void theKeyFileComesFromTheFlagOrTheEnvironmentAndItsMistakesAreOneLine() throws Exception {
        Path keys = Files.writeString(dir.resolve("edge-keys"), "# test\nk1:" + Base64.getEncoder().encodeToString(OLD)
                + "\n");
        EdgeCommand fromEnvironment = new EdgeCommand();
        RoleCommand.commandLine("edge", fromEnvironment, Map.of("STREAMCDN_EDGE_SIGNING_KEYS_FILE", keys.toString()))
                .parseArgs("--name", "e1");
        EdgeConfig config = fromEnvironment.config();
        assertThat(config.signingKeys()).hasValueSatisfying(k -> assertThat(k.ids()).containsExactly("k1"));
        assertThat(config.describe()).contains("signing-keys=" + keys + " (k1)")
                .doesNotContain(Base64.getEncoder().encodeToString(OLD));

        Path shortKey = Files.writeString(dir.resolve("short-keys"), "k1:c2hvcnQ=\n");
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), Map.of());
        cli.setErr(new PrintWriter(err, true));

        assertThat(cli.execute("--name", "e1", "--signing-keys-file", shortKey.toString()))
                .isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(err.toString().lines()).singleElement().asString().isEqualTo("streamcdn edge: --signing-keys-file "
                + shortKey + " line 1 (key k1): the secret is 5 bytes; use 32 to 1024 random bytes, like the output "
                + "of 'openssl rand -base64 32'");
        assertThat(new CommandLine(new EdgeCommand()).getUsageMessage())
                .contains("--signing-keys-file", "STREAMCDN_EDGE_SIGNING_KEYS_FILE");
    }

    private double refusals(String reason) throws Exception {
        return edge.metric("streamcdn_edge_signed_url_refusals_total{reason=\"" + reason + "\"");
    }

    private static UrlSigner signer(SigningKeys keys, Clock clock) {
        return new UrlSigner(keys, Duration.ofHours(1), clock);
    }

    private static byte[] secret(int seed) {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (seed * 97 + i * 13);
        }
        return secret;
    }
}
