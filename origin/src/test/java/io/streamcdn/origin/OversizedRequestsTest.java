package io.streamcdn.origin;

import io.streamcdn.common.http.RequestLimits;
import io.streamcdn.common.testing.OversizedRequests;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The origin refuses requests over the shared limits ({@link RequestLimits}) with a JSON reason, on every
 * route, and goes on serving: a URL over 4 KiB (414), headers over 8 KiB (431), an upload form field over
 * 8 KiB (413), each leaving nothing on disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedRequestsTest {

    @TempDir
    static Path dataDir;
    private TestOrigin origin;

    @BeforeAll
    void start() throws Exception {
        origin = TestOrigin.start(dataDir, 1L << 20);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
    }

    @AfterEach
    void stillServingWithNothingKept() throws Exception {
        assertThat(origin.get("/health").statusCode()).isEqualTo(200);
        assertThat(new JsonObject(origin.get("/api/videos").body()).getJsonArray("videos")).isEmpty();
        try (var uploads = Files.list(origin.data().uploads())) {
            assertThat(uploads).isEmpty();
        }
    }

    @Test
    void aUrlOverTheLimitIs414() throws Exception {
        OversizedRequests.assertRefused(OversizedRequests.uriOverTheLimit(origin.port(), "/api/videos"),
                414, "uri_too_long");
        OversizedRequests.assertRefused(OversizedRequests.uriOverTheLimit(origin.port(),
                "/videos/abc123def456/manifest.mpd"), 414, "uri_too_long");
    }

    @Test
    void headersOverTheLimitAre431() throws Exception {
        OversizedRequests.assertRefused(OversizedRequests.headersOverTheLimit(origin.port(), "/api/videos"),
                431, "headers_too_large");
    }

    @Test
    void anUploadFormFieldOverTheLimitIs413() throws Exception {
        HttpResponse<String> response = origin.uploadForm("movie.mp4", new byte[1000],
                "t".repeat(RequestLimits.MAX_FORM_FIELD_BYTES + 1));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(response.body()).getString("reason")).contains("8192");
    }
}
