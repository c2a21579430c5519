package io.streamcdn.origin.serve;

import io.streamcdn.origin.testing.FakeVideo;
import io.streamcdn.origin.testing.RawHttp;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Range and conditional headers that no well-behaved client sends, sent byte for byte. RFC 9110 says what to do
 * with each: a Range that cannot be parsed is ignored (200, the whole file), a valid one beyond the end is 416, an
 * If-None-Match or If-Modified-Since that names nothing is ignored, an If-Match that names nothing fails (412), an
 * If-Range that does not name this version turns the range off. Nothing here is a 500, and the origin keeps serving.
 */
class MalformedConditionalHeadersTest {

    private static final String SEGMENT = FakeVideo.url("720p/seg-00001.m4s");

    @TempDir
    static Path temp;
    static FakeVideo video;
    static RunningOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        Path data = temp.resolve("data");
        origin = RunningOrigin.start(data);
        video = FakeVideo.publish(data);
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    @AfterEach
    void theOriginStillServesARange() throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, "Range: bytes=10-19");
        assertThat(response.status()).isEqualTo(206);
        assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(video.bytes("720p/seg-00001.m4s"), 10, 20));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Range: bytes=--1", "Range: bytes=1-2-3", "Range: bytes=0x10-0x20", "Range: bytes=\u00e9-1",
            "Range: bytes=1 - 2", "Range: bytes=,,,", "Range: bytes=-", "Range: =0-1", "Range: bytes 0-1",
            "Range: bytes=5-1", "Range: bytes=0-1,2-3", "Range: bytes=+1-2", "Range: bytes=1.5-2",
            "Range: bytes=\u0661-\u0662",
            "If-None-Match: \"unterminated", "If-None-Match: W/", "If-None-Match: W/\"", "If-None-Match: ,,,",
            "If-None-Match: *garbage", "If-None-Match: \"a\"b\"", "If-None-Match: \u00ff\u00fe",
            "If-Modified-Since: yesterday", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT garbage",
            "If-Modified-Since: Sun, 31 Feb 99999 25:61:61 GMT", "If-Modified-Since: 0",
            "If-Unmodified-Since: tomorrow", "If-Unmodified-Since: Sun, 06 Nov 19\u00e94 08:49:37 GMT",
    })
    void anUnreadableConditionOrRangeIsIgnoredAndTheWholeFileServed(String headerLine) throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, headerLine);

        assertThat(response.status()).as(headerLine).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("720p/seg-00001.m4s"));
        assertThat(response.header("Content-Range")).isNull();
    }

    @org.junit.jupiter.api.Test
    void aRangeOfThousandsOfDigitsIsIgnored() throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, "Range: bytes=" + "9".repeat(4000) + "-1");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("720p/seg-00001.m4s"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Range: bytes=99999999999999999999999-             | 416",
            "Range: bytes=18446744073709551616-18446744073709551617 | 416",
            "If-Match: \"unterminated                          | 412",
            "If-Match: garbage                                 | 412",
            "If-Match: W/\"weak-never-matches-strongly\"       | 412",
    })
    void aReadableButUnsatisfiableConditionIsAClear4xxWithAReason(String headerLine, int status) throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, headerLine);

        assertThat(response.status()).as(headerLine).isEqualTo(status);
        assertThat(new JsonObject(response.bodyText()).getString("reason")).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"If-Range: garbage", "If-Range: \"unterminated", "If-Range: W/\"x\"",
            "If-Range: Sun, 06 Nov 1994 08:49:37 GMT", "If-Range: \u00e9\u00e9"})
    void anIfRangeThatDoesNotNameThisVersionTurnsTheRangeOff(String ifRange) throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, "Range: bytes=0-9", ifRange);

        assertThat(response.status()).as(ifRange).isEqualTo(200);
        assertThat(response.body()).isEqualTo(video.bytes("720p/seg-00001.m4s"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Range: bytes=\u00010-1", "If-None-Match: \"a\u0001\"", "Range: bytes=0-1\u0000"})
    void controlCharactersInAHeaderAreRefusedOrIgnoredNeverA500(String headerLine) throws Exception {
        RawHttp.Response response = origin.raw("GET", SEGMENT, headerLine);

        assertThat(response.status()).as(headerLine).isIn(200, 400);
    }
}
