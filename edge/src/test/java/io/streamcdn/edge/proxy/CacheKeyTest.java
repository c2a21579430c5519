package io.streamcdn.edge.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CacheKeyTest {

    @Test
    void publishedFilesAreTheirOwnKeys() {
        assertThat(CacheKey.of("/videos/abc123def456/manifest.mpd")).contains("/videos/abc123def456/manifest.mpd");
        assertThat(CacheKey.of("/videos/abc123def456/720p/seg-00001.m4s")).isPresent();
    }

    @Test
    void anythingThatCouldReachAnotherObjectIsRefused() {
        for (String bad : new String[]{"/videos/abc123def456/../catalog/x", "/videos/abc123def456/./x",
                "/videos/abc123def456//x", "/videos/abc123def456/%2e%2e/x", "/videos/abc123def456/a%2Fb",
                "/videos/ABC123/x", "/videos/abc/x", "/videos/abc123def456/", "/other/abc123def456/x",
                "/videos/abc123def456/x y", "/videos/abc123def456/" + "a".repeat(600)}) {
            assertThat(CacheKey.of(bad)).as(bad).isEmpty();
        }
    }
}
