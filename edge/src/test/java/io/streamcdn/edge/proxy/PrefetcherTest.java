package io.streamcdn.edge.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrefetcherTest {

    @Test
    void theNextSegmentKeepsItsRenditionAndZeroPadding() {
        assertThat(Prefetcher.next("/videos/abcdef/720p/seg-00009.m4s", 1)).contains("/videos/abcdef/720p/seg-00010.m4s");
        assertThat(Prefetcher.next("/videos/abcdef/audio/seg-00001.m4s", 2)).contains("/videos/abcdef/audio/seg-00003.m4s");
        assertThat(Prefetcher.next("/videos/abcdef/720p/chunk-99.m4s", 1)).contains("/videos/abcdef/720p/chunk-100.m4s");
    }

    @Test
    void onlyNumberedMediaSegmentsHaveANext() {
        assertThat(Prefetcher.next("/videos/abcdef/manifest.mpd", 1)).isEmpty();
        assertThat(Prefetcher.next("/videos/abcdef/720p/init.mp4", 1)).isEmpty();
        assertThat(Prefetcher.next("/videos/abcdef/720p/playlist.m3u8", 1)).isEmpty();
    }
}
