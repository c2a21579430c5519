package io.streamcdn.origin.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VideoPathTest {

    private static final String ID = "abc123def456";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/videos/abc123def456/manifest.mpd        | manifest.mpd",
            "/videos/abc123def456/720p/seg-00001.m4s  | 720p/seg-00001.m4s",
            "/videos/abc123def456/audio/init.mp4      | audio/init.mp4",
            "/videos/abc123def456/poster.jpg          | poster.jpg",
            "/videos/abc123def456/%6Danifest.mpd      | manifest.mpd",
            "/videos/abc123def456/720p%2Dx/a_b.c      | 720p-x/a_b.c",
            "/videos/abc123/x                         | x",
    })
    void acceptsFilesOfAPublishedVideo(String rawPath, String relative) {
        VideoPath.Parsed parsed = VideoPath.fromRequestPath(rawPath);

        assertThat(parsed).isInstanceOf(VideoPath.Valid.class);
        assertThat(((VideoPath.Valid) parsed).path().relative()).isEqualTo(relative);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"abc12", "ABC123DEF456", "abc-123def45", "abc_123def45", "a23456789012345678901234567890123",
            "%61bc123def456%2f", "abc123def45%", ""})
    void refusesIdsOutsideTheIdAlphabet(String rawId) {
        assertThat(VideoPath.parse(rawId, "manifest.mpd")).isInstanceOf(VideoPath.Invalid.class);
    }

    @Test
    void idsOfSixToThirtyTwoCharactersAreAccepted() {
        assertThat(VideoPath.parse("abc123", "x")).isInstanceOf(VideoPath.Valid.class);
        assertThat(VideoPath.parse("a".repeat(32), "x")).isInstanceOf(VideoPath.Valid.class);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {
            "..", "../manifest.mpd", "720p/..", "720p/../x", ".", "./x", ".hidden", "720p/.hidden",
            "%2e%2e", "%2E%2E/x", "%2e", ".%2e", "..%2fx", "720p%2f..%2f..", "%2fetc%2fpasswd", "x%2Fy",
            "%5c..%5cx", "..\\x", "x\\y", "manifest.mpd%00", "%00", "%252e%252e", "%252fx", "%25",
            "%zz", "%2", "%", "x%4", "a b", "a+b", "a%20b", "caf%C3%A9", "café", "a:b", "a;b", "a?b", "a*b",
            "", "/", "x/", "/x", "x//y", "a/b/c", "seg..m4s", "a/b..c",
    })
    void refusesAnythingThatIsNotAPlainRelativeName(String rawRest) {
        VideoPath.Parsed parsed = VideoPath.parse(ID, rawRest);

        assertThat(parsed).as(rawRest).isInstanceOf(VideoPath.Invalid.class);
        assertThat(((VideoPath.Invalid) parsed).reason()).isNotBlank();
    }

    @Test
    void segmentsLongerThanTheLimitAreRefused() {
        assertThat(VideoPath.parse(ID, "a".repeat(VideoPath.MAX_SEGMENT_CHARS))).isInstanceOf(VideoPath.Valid.class);
        assertThat(VideoPath.parse(ID, "a".repeat(VideoPath.MAX_SEGMENT_CHARS + 1))).isInstanceOf(VideoPath.Invalid.class);
    }

    @Test
    void decodesExactlyOnce() {
        assertThat(VideoPath.decodeOnce("%252e")).isEqualTo("%2e");
        assertThat(VideoPath.decodeOnce("%2e%2E")).isEqualTo("..");
        assertThat(VideoPath.decodeOnce("plain")).isEqualTo("plain");
        assertThat(VideoPath.decodeOnce("%g1")).isNull();
    }

    @Test
    void reasonsSayWhatIsWrong() {
        assertThat(((VideoPath.Invalid) VideoPath.parse(ID, "..%2fx")).reason()).contains("'..%2fx'", "not allowed");
        assertThat(((VideoPath.Invalid) VideoPath.parse("NOPE", "x")).reason()).contains("NOPE", "lowercase");
        assertThat(((VideoPath.Invalid) VideoPath.parse(ID, "a/b/c")).reason()).contains("at most 2 levels");
        assertThat(((VideoPath.Invalid) VideoPath.fromRequestPath("/videos/" + ID)).reason()).contains("manifest.mpd");
    }

    @Test
    void onlyTheAudioFolderHoldsAudio() {
        assertThat(new VideoPath(ID, List.of("audio", "seg-00001.m4s")).isAudio()).isTrue();
        assertThat(new VideoPath(ID, List.of("720p", "seg-00001.m4s")).isAudio()).isFalse();
        assertThat(new VideoPath(ID, List.of("audio")).isAudio()).isFalse();
    }

    @Test
    void theConstructorRefusesWhatParsingRefuses() {
        assertThatThrownBy(() -> new VideoPath(ID, List.of(".."))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VideoPath("UP", List.of("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VideoPath(ID, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}: {1}, {2}")
    @CsvSource({
            "manifest.mpd,        application/dash+xml,           MANIFEST",
            "master.m3u8,         application/vnd.apple.mpegurl,  MANIFEST",
            "720p/playlist.m3u8,  application/vnd.apple.mpegurl,  MANIFEST",
            "720p/init.mp4,       video/mp4,                      INIT",
            "audio/init.mp4,      audio/mp4,                      INIT",
            "720p/seg-00001.m4s,  video/mp4,                      SEGMENT",
            "audio/seg-00001.m4s, audio/mp4,                      SEGMENT",
            "poster.jpg,          image/jpeg,                     POSTER",
            "info.json,           application/json,               OTHER",
            "MANIFEST.MPD,        application/dash+xml,           MANIFEST",
            "readme,              application/octet-stream,       OTHER",
    })
    void eachFileHasAKindAndAContentType(String relative, String contentType, FileKind kind) {
        VideoPath path = ((VideoPath.Valid) VideoPath.parse(ID, relative)).path();

        assertThat(FileKind.contentType(path)).isEqualTo(contentType);
        assertThat(FileKind.of(path)).isEqualTo(kind);
    }
}
