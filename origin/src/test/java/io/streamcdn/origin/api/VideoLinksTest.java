package io.streamcdn.origin.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VideoLinksTest {

    @Test
    void linksAreRelativeWithoutAPublicUrl() throws Exception {
        VideoLinks links = VideoLinks.under(null);

        assertThat(links.mpd("abc123def456")).isEqualTo("/videos/abc123def456/manifest.mpd");
        assertThat(links.hls("abc123def456")).isEqualTo("/videos/abc123def456/master.m3u8");
        assertThat(links.poster("abc123def456")).isEqualTo("/videos/abc123def456/poster.jpg");
        assertThat(VideoLinks.under("  ").mpd("x1y2z3")).isEqualTo("/videos/x1y2z3/manifest.mpd");
    }

    @Test
    void linksAreAbsoluteUnderAPublicUrlWithOrWithoutItsTrailingSlash() throws Exception {
        assertThat(VideoLinks.under("https://cdn.example.com").mpd("abc123"))
                .isEqualTo("https://cdn.example.com/videos/abc123/manifest.mpd");
        assertThat(VideoLinks.under("https://example.com/media/").poster("abc123"))
                .isEqualTo("https://example.com/media/videos/abc123/poster.jpg");
    }

    @Test
    void publicUrlMustBeAbsoluteHttp() throws Exception {
        assertThatThrownBy(() -> VideoLinks.under("cdn.example.com")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> VideoLinks.under("ftp://cdn.example.com")).hasMessageContaining("absolute");
    }
}
