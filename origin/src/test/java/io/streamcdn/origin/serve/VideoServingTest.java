package io.streamcdn.origin.serve;

import io.streamcdn.origin.testing.FakeVideo;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

import static io.streamcdn.origin.testing.FakeVideo.url;
import static org.assertj.core.api.Assertions.assertThat;

/** The file server as a player, a browser or an edge sees it: a real origin on a random port, over a fake video. */
class VideoServingTest {

    private static final String SEGMENT = "720p/seg-00001.m4s";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @TempDir
    static Path temp;
    static FakeVideo video;
    static RunningOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        origin = RunningOrigin.start(data); // start-up removes folders with no catalog record
        video = FakeVideo.publish(data);
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "manifest.mpd,        application/dash+xml",
            "master.m3u8,         application/vnd.apple.mpegurl",
            "720p/playlist.m3u8,  application/vnd.apple.mpegurl",
            "720p/init.mp4,       video/mp4",
            "720p/seg-00001.m4s,  video/mp4",
            "audio/init.mp4,      audio/mp4",
            "audio/seg-00001.m4s, audio/mp4",
            "poster.jpg,          image/jpeg",
            "info.json,           application/json",
            "notes.bin,           application/octet-stream",
    })
    void servesTheExactBytesWithTheContentTypeOfTheirKind(String file, String contentType) throws Exception {
        HttpResponse<byte[]> response = origin.get(url(file));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes(file));
        assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(video.bytes(file).length);
        assertThat(response.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    }

    @Test
    void anEmptyFileIsServedAsAnEmptyBody() throws Exception {
        HttpResponse<byte[]> response = origin.get(url("empty.m4s"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(0);
    }

    @Test
    void headAnswersWithTheHeadersOfGetAndNoBody() throws Exception {
        HttpResponse<byte[]> get = origin.get(url(SEGMENT));
        HttpResponse<byte[]> head = origin.head(url(SEGMENT));

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        for (String name : new String[] {"Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control",
                "Accept-Ranges", "Access-Control-Allow-Origin"}) {
            assertThat(head.headers().firstValue(name)).as(name).isPresent().isEqualTo(get.headers().firstValue(name));
        }
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(video.bytes(SEGMENT).length);
    }

    @Test
    void headIgnoresRangeAndDescribesTheWholeFile() throws Exception {
        HttpResponse<byte[]> head = origin.head(url(SEGMENT), "Range", "bytes=0-99");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(video.bytes(SEGMENT).length);
    }

    @Test
    void everyFileCarriesAStrongETagAndItsLastModifiedDate() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT));

        assertThat(response.headers().firstValue("ETag")).hasValueSatisfying(
                etag -> assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\""));
        assertThat(response.headers().firstValue("Last-Modified")).hasValue(HTTP_DATE.format(FakeVideo.MODIFIED));
        assertThat(response.headers().firstValue("Date")).isPresent();
    }

    @ParameterizedTest(name = "If-None-Match: {0}")
    @ValueSource(strings = {"exact", "list", "weak", "star"})
    void aMatchingIfNoneMatchGets304WithValidatorsAndNoBody(String form) throws Exception {
        String etag = origin.get(url(SEGMENT)).headers().firstValue("ETag").orElseThrow();
        String header = switch (form) {
            case "exact" -> etag;
            case "list" -> "\"other\", W/\"another\" ,  " + etag;
            case "weak" -> "W/" + etag;
            default -> "*";
        };

        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "If-None-Match", header);

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue(etag);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(response.headers().firstValue("Last-Modified")).isPresent();
    }

    @Test
    void headWithAMatchingIfNoneMatchAlsoGets304() throws Exception {
        String etag = origin.get(url("manifest.mpd")).headers().firstValue("ETag").orElseThrow();

        assertThat(origin.head(url("manifest.mpd"), "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void aStaleIfNoneMatchGetsTheWholeFile() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "If-None-Match", "\"1-1\", W/\"2-2\"");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes(SEGMENT));
    }

    @Test
    void ifModifiedSinceTheLastModificationGets304() throws Exception {
        HttpResponse<byte[]> same = origin.get(url(SEGMENT), "If-Modified-Since", HTTP_DATE.format(FakeVideo.MODIFIED));
        HttpResponse<byte[]> later = origin.get(url(SEGMENT), "If-Modified-Since",
                HTTP_DATE.format(FakeVideo.MODIFIED.plusSeconds(3600)));

        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(later.statusCode()).isEqualTo(304);
    }

    @Test
    void ifModifiedSinceBeforeTheLastModificationGetsTheWholeFile() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "If-Modified-Since",
                HTTP_DATE.format(FakeVideo.MODIFIED.minusSeconds(1)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes(SEGMENT));
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT),
                "If-None-Match", "\"stale\"",
                "If-Modified-Since", HTTP_DATE.format(FakeVideo.MODIFIED.plusSeconds(3600)));

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Range: {0} -> bytes {1}-{2}")
    @CsvSource({
            "bytes=0-99,          0,      99",
            "bytes=100-199,       100,    199",
            "bytes=199990-,       199990, 199999",
            "bytes=-10,           199990, 199999",
            "bytes=199000-999999, 199000, 199999",
            "bytes=-500000,       0,      199999",
    })
    void aSingleRangeGets206WithExactlyThoseBytes(String range, int first, int last) throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", range);

        byte[] whole = video.bytes(SEGMENT);
        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(whole, first, last + 1));
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes " + first + "-" + last + "/" + whole.length);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(last - first + 1);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(response.headers().firstValue("ETag")).isPresent();
    }

    @ParameterizedTest(name = "Range: {0}")
    @ValueSource(strings = {"bytes=200000-", "bytes=500000-600000", "bytes=-0"})
    void anUnsatisfiableRangeGets416WithTheFileSize(String range) throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", range);

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */200000");
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error"))
                .isEqualTo("range_not_satisfiable");
        assertThat(response.headers().firstValue("ETag")).isEmpty();
    }

    @ParameterizedTest(name = "Range: {0}")
    @ValueSource(strings = {"bytes=abc", "bytes=5-2", "items=0-10", "bytes=0-10,20-30", "bytes=", "0-10"})
    void aMalformedOrMultipleRangeIsIgnoredAndTheWholeFileServed(String range) throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", range);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes(SEGMENT));
        assertThat(response.headers().firstValue("Content-Range")).isEmpty();
    }

    @Test
    void ifRangeWithTheCurrentETagAllowsTheRange() throws Exception {
        String etag = origin.get(url(SEGMENT)).headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", "bytes=0-9", "If-Range", etag);

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(video.bytes(SEGMENT), 0, 10));
    }

    @ParameterizedTest(name = "If-Range: {0}")
    @ValueSource(strings = {"\"some-other-version\"", "W/\"weak\"", "Thu, 01 Jan 2015 00:00:00 GMT", "garbage"})
    void ifRangeThatDoesNotNameThisVersionGetsTheWholeFile(String ifRange) throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", "bytes=0-9", "If-Range", ifRange);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes(SEGMENT));
    }

    @Test
    void ifRangeWithTheLastModifiedDateAllowsTheRange() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "Range", "bytes=10-19",
                "If-Range", HTTP_DATE.format(FakeVideo.MODIFIED));

        assertThat(response.statusCode()).isEqualTo(206);
    }

    @Test
    void aFailedIfMatchGets412() throws Exception {
        HttpResponse<byte[]> response = origin.get(url(SEGMENT), "If-Match", "\"not-this-one\"");

        assertThat(response.statusCode()).isEqualTo(412);
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error"))
                .isEqualTo("precondition_failed");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "720p/seg-00001.m4s,  'public, max-age=31536000, immutable'",
            "audio/init.mp4,      'public, max-age=31536000, immutable'",
            "manifest.mpd,        'public, max-age=60'",
            "720p/playlist.m3u8,  'public, max-age=60'",
            "poster.jpg,          'public, max-age=86400'",
    })
    void segmentsAreCachedForeverAndManifestsBriefly(String file, String cacheControl) throws Exception {
        assertThat(origin.get(url(file)).headers().firstValue("Cache-Control")).hasValue(cacheControl);
    }

    @Test
    void getResponsesCarryCorsHeadersForAnyPage() throws Exception {
        HttpResponse<byte[]> withOrigin = origin.get(url(SEGMENT), "Origin", "https://player.example");
        HttpResponse<byte[]> withoutOrigin = origin.get(url("manifest.mpd"));

        for (HttpResponse<byte[]> response : java.util.List.of(withOrigin, withoutOrigin)) {
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
            assertThat(response.headers().firstValue("Access-Control-Expose-Headers"))
                    .hasValue("Content-Length, Content-Range, ETag, Accept-Ranges, Age");
        }
    }

    @Test
    void aPreflightLearnsTheMethodsAndHeadersItMayUse() throws Exception {
        HttpResponse<byte[]> response = origin.send(origin.request(url(SEGMENT))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://player.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "range, if-none-match"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, HEAD, OPTIONS");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("Range", "If-None-Match", "If-Modified-Since", "If-Range");
        assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("86400");
    }

    @Test
    void onlyListedOriginsAreAllowedWhenTheOriginsAreConfigured(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (RunningOrigin strict = RunningOrigin.start(data, b -> b.corsOrigins("https://a.example,https://b.example"))) {
            FakeVideo.publish(data);
            HttpResponse<byte[]> listed = strict.get(url("manifest.mpd"), "Origin", "https://b.example");
            HttpResponse<byte[]> unlisted = strict.get(url("manifest.mpd"), "Origin", "https://evil.example");

            assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://b.example");
            assertThat(listed.headers().allValues("Vary")).contains("Origin");
            assertThat(unlisted.statusCode()).isEqualTo(200);
            assertThat(unlisted.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void anUnknownVideoGets404WithAJsonReason() throws Exception {
        HttpResponse<byte[]> response = origin.get("/videos/zzzzzz999999/manifest.mpd");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonObject body = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(body.getString("error")).isEqualTo("not_found");
        assertThat(body.getString("reason")).contains("zzzzzz999999");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void aMissingFileOfAKnownVideoGets404() throws Exception {
        HttpResponse<byte[]> response = origin.get(url("720p/seg-99999.m4s"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("reason"))
                .contains("720p/seg-99999.m4s");
    }

    @Test
    void aDirectoryIsNotAFile() throws Exception {
        assertThat(origin.get(url("720p")).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
    void otherMethodsGet405WithAllow(String method) throws Exception {
        HttpResponse<byte[]> response = origin.send(origin.request(url(SEGMENT))
                .method(method, HttpRequest.BodyPublishers.ofString("x")));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
        assertThat(new JsonObject(new String(response.body(), StandardCharsets.UTF_8)).getString("error"))
                .isEqualTo("method_not_allowed");
    }

    @Test
    void servesOverHttp2CleartextWhenTheClientAsks() throws Exception {
        HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> first = h2c.send(origin.request(url("manifest.mpd")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> second = h2c.send(origin.request(url(SEGMENT)).header("Range", "bytes=5-9").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(first.body()).isEqualTo(video.bytes("manifest.mpd"));
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.statusCode()).isEqualTo(206);
        assertThat(second.body()).isEqualTo(Arrays.copyOfRange(video.bytes(SEGMENT), 5, 10));
    }
}
