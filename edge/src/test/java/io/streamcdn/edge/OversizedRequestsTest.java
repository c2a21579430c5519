package io.streamcdn.edge;

import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.common.testing.OversizedRequests;
import io.streamcdn.edge.testing.MutableClock;
import io.streamcdn.edge.testing.OriginFiles;
import io.streamcdn.edge.testing.TestEdge;
import io.streamcdn.origin.testing.TestOrigin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge refuses requests over the shared limits ({@link RequestLimits}) with a JSON reason, before its
 * cache or its upstream is involved, and goes on serving its viewers: a URL over 4 KiB (414), headers over
 * 8 KiB (431).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedRequestsTest {

    @TempDir
    static Path originData;
    @TempDir
    static Path cacheDir;
    private TestOrigin origin;
    private TestEdge edge;
    private byte[] segment;
    private final String path = OriginFiles.url("oversized", "720p/seg-00001.m4s");

    @BeforeAll
    void start() throws Exception {
        origin = TestOrigin.start(originData, 1L << 20);
        segment = new OriginFiles(origin, originData).publish("oversized", "720p/seg-00001.m4s", 50_000);
        edge = TestEdge.start("edge-limits", cacheDir, "http://127.0.0.1:" + origin.port(), new MutableClock(), b -> b);
    }

    @AfterAll
    void stop() throws Exception {
        edge.close();
        origin.close();
    }

    @AfterEach
    void stillServingViewers() throws Exception {
        HttpResponse<byte[]> viewer = edge.get(path);
        assertThat(viewer.statusCode()).isEqualTo(200);
        assertThat(viewer.body()).isEqualTo(segment);
    }

    @Test
    void aUrlOverTheLimitIs414AndFetchesNothingUpstream() throws Exception {
        double upstreamBefore = edge.metric("streamcdn_edge_upstream_requests_total");

        OversizedRequests.assertRefused(OversizedRequests.uriOverTheLimit(edge.port(), path), 414, "uri_too_long");

        assertThat(edge.metric("streamcdn_edge_upstream_requests_total")).isEqualTo(upstreamBefore);
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        OversizedRequests.assertRefused(OversizedRequests.headersOverTheLimit(edge.port(), path),
                431, "headers_too_large");
        OversizedRequests.assertRefused(OversizedRequests.headersOverTheLimit(edge.port(), "/health"),
                431, "headers_too_large");
    }
}
