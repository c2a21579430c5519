package io.streamcdn.media.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class HlsPlaylistTest {

    @Test
    void keepsCommasInsideQuotedAttributeValues() {
        HlsPlaylist master = HlsPlaylist.parse("""
                #EXTM3U
                #EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360
                360p/playlist.m3u8
                """);

        assertThat(master.isMultivariant()).isTrue();
        assertThat(master.variants()).singleElement().satisfies(v -> {
            assertThat(v.bandwidth()).isEqualTo(800_000);
            assertThat(v.attribute("CODECS")).hasValue("avc1.64001e,mp4a.40.2");
            assertThat(v.attribute("RESOLUTION")).hasValue("640x360");
            assertThat(v.uri()).isEqualTo("360p/playlist.m3u8");
        });
    }

    @Test
    void readsSegmentDurationsExactlyAsWritten() {
        HlsPlaylist media = HlsPlaylist.parse("""
                #EXTM3U
                #EXT-X-TARGETDURATION:2
                #EXTINF:2.002000,
                seg-00001.m4s
                #EXTINF:1.968000,
                seg-00002.m4s
                #EXT-X-ENDLIST
                """);

        assertThat(media.segments()).extracting(HlsPlaylist.Segment::uri).containsExactly("seg-00001.m4s", "seg-00002.m4s");
        assertThat(media.totalDuration()).isEqualByComparingTo(new BigDecimal("3.970"));
        assertThat(media.targetDuration()).isEqualTo(2);
        assertThat(media.isEnded()).isTrue();
    }

    @Test
    void rejectsASegmentWithoutAUri() {
        assertThatThrownBy(() -> HlsPlaylist.parse("#EXTM3U\n#EXTINF:2.0,\n#EXT-X-ENDLIST\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not followed by a URI");
    }

    @Test
    void rejectsAPlaylistWithoutTheHeader() {
        assertThatThrownBy(() -> HlsPlaylist.parse("#EXTINF:2.0,\nseg-00001.m4s\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#EXTM3U");
    }
}
