package io.streamcdn.e2e.browser;

import com.microsoft.playwright.Page;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser harness on its own, before any player: the system Chromium starts without downloading anything,
 * decodes what the origin encodes (H.264 and AAC in CMAF fragments, appended to Media Source Extensions by a page
 * of our own, no player library), and the DevTools throttle really slows a page's downloads.
 */
class ChromiumHarnessTest {

    @RegisterExtension
    static final ChromiumExtension CHROMIUM = new ChromiumExtension();

    @TempDir
    static Path data;
    static TestOrigin origin;
    static TestPages pages;
    static String videoId;

    @BeforeAll
    static void encodeOneClip() throws Exception {
        origin = TestOrigin.start(data, 64 << 20);
        pages = TestPages.start();
        var uploaded = origin.upload("?title=smoke", "video/mp4", Files.readAllBytes(TestMedia.clip360p()));
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(202);
        videoId = new JsonObject(uploaded.body()).getString("id");
        origin.awaitVideo(videoId, v -> TestOrigin.inState(v, "ready"), Duration.ofSeconds(120), v -> {
            assertThat(v.getString("state")).isNotEqualTo("failed");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (pages != null) {
            pages.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void systemChromiumPlaysTheOriginsH264AndAacThroughMediaSourceExtensions(BrowserTab tab) {
        Page page = tab.page();
        page.navigate(pages.url("/mse.html?origin=" + URLEncoder.encode("http://127.0.0.1:" + origin.port(), StandardCharsets.UTF_8)
                + "&video=" + videoId));
        page.waitForFunction("() => smoke.errors.length > 0 || (smoke.appended && document.getElementById('video').currentTime >= 3)",
                null, new Page.WaitForFunctionOptions().setTimeout(30_000));

        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) page.evaluate("""
                () => { const v = document.getElementById('video');
                        return {errors: smoke.errors, supported: smoke.supported, segments: smoke.segments,
                                time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames,
                                width: v.videoWidth, height: v.videoHeight}; }""");
        assertThat(state.get("errors")).as("page errors").asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
        assertThat(state.get("supported")).as("MSE types").asInstanceOf(InstanceOfAssertFactories.MAP)
                .hasSize(2).allSatisfy((type, supported) -> assertThat(supported).as(String.valueOf(type)).isEqualTo(true));
        assertThat(((Number) state.get("segments")).intValue()).as("segments appended (both tracks)").isGreaterThanOrEqualTo(10);
        assertThat(((Number) state.get("time")).doubleValue()).isGreaterThanOrEqualTo(3.0);
        assertThat(((Number) state.get("frames")).intValue()).as("decoded frames").isGreaterThan(0);
        assertThat(((Number) state.get("height")).intValue()).as("picture height of the lowest rung").isEqualTo(240);
        assertThat(tab.requestsOffThisMachine()).isEmpty();
    }

    @Test
    void devToolsThrottlePacesDownloadsToTheGivenThroughputUntilLifted(BrowserTab tab) {
        Page page = tab.page();
        page.navigate(pages.url("/blank.html"));
        NetworkThrottle throttle = NetworkThrottle.attach(page);
        int bytes = 150_000;
        String download = """
                async n => { const t0 = performance.now();
                             const r = await fetch('/bytes/' + n, {cache: 'no-store'});
                             const body = await r.arrayBuffer();
                             return {ms: performance.now() - t0, bytes: body.byteLength}; }""";

        throttle.limit(600, Duration.ZERO);
        Map<?, ?> slow = (Map<?, ?>) page.evaluate(download, bytes);
        throttle.lift();
        Map<?, ?> fast = (Map<?, ?>) page.evaluate(download, bytes);

        assertThat(((Number) slow.get("bytes")).intValue()).isEqualTo(bytes);
        double slowKbps = bytes * 8.0 / ((Number) slow.get("ms")).doubleValue();
        double fastKbps = bytes * 8.0 / ((Number) fast.get("ms")).doubleValue();
        tab.note("throttled " + slow + " = " + slowKbps + " kbps; lifted " + fast + " = " + fastKbps + " kbps");
        assertThat(slowKbps).as("throughput under a 600 kbps throttle").isBetween(400.0, 660.0);
        assertThat(fastKbps).as("throughput after lifting it").isGreaterThan(5_000.0);
    }
}
