package io.streamcdn.common.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape of a signed path: what is read from it, and everything that is refused as malformed. */
class SignedPathTest {

    private static final String SIGNATURE = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";

    @Test
    void readsEveryPartAndGivesTheUnsignedPath() {
        String raw = "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/720p/seg-00001.m4s";

        SignedPath path = ((SignedPath.Signed) SignedPath.parse(raw)).path();

        assertThat(path.expires()).isEqualTo(1764892800L);
        assertThat(path.keyId()).isEqualTo("k1");
        assertThat(path.signature()).isEqualTo(SIGNATURE);
        assertThat(path.videoId()).isEqualTo("abc123def456");
        assertThat(path.file()).isEqualTo("720p/seg-00001.m4s");
        assertThat(path.videoPath()).isEqualTo("/videos/abc123def456/720p/seg-00001.m4s");
        assertThat(path.prefix()).isEqualTo("/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/");
        assertThat(path.toString()).isEqualTo(raw);
    }

    @Test
    void theSignedTextIsTheVideosFolderNotTheFile() {
        assertThat(SignedPath.payload(1764892800L, "k1", "abc123def456")).isEqualTo("1764892800/k1/videos/abc123def456/");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/videos/abc123def456/manifest.mpd",                                  // not signed at all
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/",            // no file
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456",
            "/s/-1/k1/" + SIGNATURE + "/videos/abc123def456/manifest.mpd",        // expiry not digits
            "/s/1764892800000/k1/" + SIGNATURE + "/videos/abc123def456/a.mpd",    // 13 digits
            "/s//k1/" + SIGNATURE + "/videos/abc123def456/manifest.mpd",
            "/s/1764892800/k 1/" + SIGNATURE + "/videos/abc123def456/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "x/videos/abc123def456/manifest.mpd", // 44 characters
            "/s/1764892800/k1/" + SIGNATURE + "=/videos/abc123def456/manifest.mpd", // padded
            "/s/1764892800/k1/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE/videos/abc123def456/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/ABC123def456/manifest.mpd",  // not an id
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/../other12345/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/./manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/%2e%2e/x",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/720p//seg-1.m4s",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/a\\b",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/a\u0000b",
            "/s/1764892800/k1/" + SIGNATURE + "/other/abc123def456/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/manifest.mpd?x", // queries are not in a path
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/a/b/c/d/e/f/g/h/i.m4s", // 9 segments deep
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/720p/",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/..",
            "/s/1764892800/k1/" + SIGNATURE + "/videos/abc123def456/.",
            "/s/1764892800/k1/" + SIGNATURE + "/videosabc123def456/manifest.mpd",
            "/s/1764892800/k1/" + SIGNATURE,
            "/s/1764892800/k1",
            "/s/1764892800",
            "/s/",
            ""})
    void refusesAnythingButTheExactShape(String raw) {
        assertThat(SignedPath.parse(raw)).isInstanceOf(SignedPath.Malformed.class)
                .satisfies(m -> assertThat(((SignedPath.Malformed) m).reason()).isNotBlank());
    }

    @Test
    void acceptsDotsInsideNamesAndEightFoldersDeep() {
        String deep = "a/b/c/d/e/f/g/seg.1..m4s";
        SignedPath path = ((SignedPath.Signed) SignedPath.parse("/s/0/k/" + SIGNATURE + "/videos/abc123def456/" + deep))
                .path();

        assertThat(path.file()).isEqualTo(deep);
        assertThat(path.expires()).isZero();
        assertThat(((SignedPath.Signed) SignedPath.parse("/s/1/k/" + SIGNATURE + "/videos/abc123def456/.hidden"))
                .path().file()).isEqualTo(".hidden");
    }

    @Test
    void refusesNullAndOverlongPathsWithoutReadingThem() {
        assertThat(SignedPath.parse(null)).isInstanceOf(SignedPath.Malformed.class);
        String longFile = "a".repeat(SignedPath.MAX_LENGTH);
        assertThat(SignedPath.parse("/s/1/k1/" + SIGNATURE + "/videos/abc123def456/" + longFile))
                .isEqualTo(new SignedPath.Malformed("the path is longer than 1024 characters; signed paths look like "
                        + "/s/{expires}/{keyId}/{signature}/videos/{id}/{file}"));
    }
}
