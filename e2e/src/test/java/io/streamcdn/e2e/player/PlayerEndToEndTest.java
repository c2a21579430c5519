package io.streamcdn.e2e.player;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.BoundingBox;
import io.streamcdn.common.security.AdminToken;
import io.streamcdn.common.security.SigningKeys;
import io.streamcdn.demo.LocalCdn;
import io.streamcdn.e2e.browser.BrowserTab;
import io.streamcdn.e2e.browser.ChromiumExtension;
import io.streamcdn.e2e.browser.NetworkThrottle;
import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole CDN on this machine (router, origin, two edges: {@link LocalCdn}) driven through the web player in
 * headless Chromium, the way a viewer uses it: upload through the page, watch, pick a quality, lose bandwidth,
 * lose the edge, leave. One CDN and one encode for the class: the first test uploads a real clip (the 360p
 * Big Buck Bunny clip looped to 90 s, so a player holding 30 s of buffer still has segments to fetch well after
 * a throttle is lifted), and the others watch that video. The edge test stops an edge for good, so it runs after the others that need two.
 *
 * <p>The CDN runs the way issue 7 secures it: one signing key file given to the origin, both edges and the router
 * (signed URLs valid for one minute, the shortest {@code --signed-url-ttl} allows, so a player must refresh them
 * within a test), and an admin token on the origin, so the upload page must send it. Every test here is also a
 * test that signing changes nothing a viewer sees.
 *
 * <p>The ladder has two rungs far apart (1500 and 300 kbit/s, one-second segments): under a 600 kbit/s link only
 * the lower one fits, so the throttle test has one right answer, and it comes within a few segments.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlayerEndToEndTest {

    @RegisterExtension
    static final ChromiumExtension CHROMIUM = new ChromiumExtension();

    static final String TOP = "360p";
    static final String LOWEST = "240p";
    private static final Duration STARTUP = Duration.ofSeconds(20);
    private static final Pattern EDGE_OF_URL = Pattern.compile("^https?://([^/]+)/");
    /** A signed video file URL's path: {@code /s/{expires}/{keyId}/{signature}/videos/{id}/...}. */
    private static final Pattern SIGNED = Pattern.compile("^/s/(\\d+)/([A-Za-z0-9_-]{1,32})/([A-Za-z0-9_-]{43})/videos/([^/]+)/");
    static final String TOKEN = "e2e-admin-token-0123456789abcdef";

    @TempDir
    static Path temp;
    static LocalCdn cdn;
    static Path clip;
    static Path keyFile;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The video the first test uploads through the page; the others watch it. */
    static String videoId;

    @BeforeAll
    static void startTheCdn() throws Exception {
        clip = temp.resolve("bbb-360p-90s.mp4");
        // Nine times the real clip, stream-copied (no re-encode): a minute and a half of camera-like content.
        FfmpegTools.ffmpeg("-stream_loop", "8", "-i", TestMedia.clip360p().toString(), "-c", "copy", clip.toString());
        keyFile = temp.resolve("signing-keys");
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Files.writeString(keyFile, "# e2e\nk1:" + Base64.getEncoder().encodeToString(secret) + "\n");
        cdn = LocalCdn.builder(temp.resolve("cdn")).sampleSeconds(0)
                .ladder(TOP + ":1500k," + LOWEST + ":300k").segmentSeconds(1)
                .origin(origin -> origin.x264Preset("ultrafast").encodeWorkers(1).signingKeys(keys()).signedUrlTtl("1m")
                        .adminToken(Optional.of(AdminToken.of(TOKEN, "the e2e test"))))
                .edge(edge -> edge.signingKeys(keys()))
                .router(router -> router.signingKeys(keys()).signedUrlTtl("1m"))
                .start();
    }

    /** The one key file every role is given, read as each role reads {@code --signing-keys-file}. */
    private static Optional<SigningKeys> keys() {
        return SigningKeys.fromFile(keyFile.toString());
    }

    @AfterAll
    static void stopTheCdn() throws Exception {
        if (cdn != null) {
            cdn.close();
        }
    }

    @Test
    @Order(1)
    void uploadedClipShowsEncodeProgressInTheCatalogThenPlaysOnTheWatchPage(BrowserTab tab) throws Exception {
        Page upload = tab.page();
        upload.navigate(cdn.originUrl() + "/upload.html");

        // The origin has an admin token: without it the page says so, opens the Operator box, and nothing is kept.
        int videosBefore = catalogSize();
        Response unauthorized = upload.waitForResponse(r -> r.url().endsWith("/api/videos") && "POST".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(60_000),
                () -> upload.setInputFiles("#upload-input", clip));
        assertThat(unauthorized.status()).as(unauthorized.text()).isEqualTo(401);
        waitForText(upload, upload.locator("#upload-status"), "needs the admin token", Duration.ofSeconds(10));
        assertThat(upload.locator("#admin-token").isVisible()).as("the token field, shown after a 401").isTrue();
        assertThat(catalogSize()).as("videos after an upload without the token").isEqualTo(videosBefore);
        tab.note("without the token: " + upload.locator("#upload-status").innerText());

        // A wrong token: 403, and the page says the token is wrong.
        upload.fill("#admin-token", "not-the-token-0123456789abcdef");
        Response forbidden = upload.waitForResponse(r -> r.url().endsWith("/api/videos") && "POST".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(60_000),
                () -> upload.setInputFiles("#upload-input", clip));
        assertThat(forbidden.status()).as(forbidden.text()).isEqualTo(403);
        waitForText(upload, upload.locator("#upload-status"), "token was refused", Duration.ofSeconds(10));
        assertThat(catalogSize()).as("videos after an upload with a wrong token").isEqualTo(videosBefore);

        // The right one: accepted, sent as a Bearer header, never in the URL.
        upload.fill("#admin-token", TOKEN);
        Response accepted = upload.waitForResponse(r -> r.url().endsWith("/api/videos") && "POST".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(60_000),
                () -> upload.setInputFiles("#upload-input", clip));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        assertThat(accepted.request().headerValue("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(accepted.url()).doesNotContain(TOKEN);
        String id = new JsonObject(accepted.text()).getString("id");
        upload.locator("#encode-progress").waitFor(new Locator.WaitForOptions().setTimeout(10_000));
        tab.note("uploaded " + id);

        // The catalog, in a second page, while the origin encodes.
        Page catalog = tab.newPage();
        catalog.navigate(cdn.originUrl() + "/");
        Locator card = catalog.locator(".video-card[data-id='" + id + "']");
        card.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
        Set<String> states = new LinkedHashSet<>();
        Set<Double> progress = new LinkedHashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            @SuppressWarnings("unchecked")
            Map<String, Object> seen = (Map<String, Object>) catalog.evaluate("""
                    id => { const card = document.querySelector(`.video-card[data-id='${id}']`);
                            const bar = card && card.querySelector('progress.encode-progress');
                            return {state: card && card.dataset.state, progress: bar ? Number(bar.value) : null}; }""", id);
            String state = (String) seen.get("state");
            states.add(state);
            if (seen.get("progress") instanceof Number value && value.doubleValue() > 0 && value.doubleValue() < 1) {
                progress.add(value.doubleValue());
            }
            if ("ready".equals(state) || "failed".equals(state)) {
                break;
            }
            assertThat(System.nanoTime()).as("the catalog shows %s for %s still after 3 minutes", states, id).isLessThan(deadline);
            catalog.waitForTimeout(250);
        }
        tab.note("catalog states " + states + ", progress " + progress);
        assertThat(states).as("states the catalog showed").contains("encoding").endsWith("ready");
        assertThat(progress).as("encode progress values between 0 and 1 the catalog's bar showed (it polls every 2 s)")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(catalog.locator(".video-card[data-id='" + id + "'] progress.encode-progress").count())
                .as("no progress bar once ready").isZero();

        // The upload page followed the encode too, and ends with a link to watch.
        Locator watchLink = upload.locator("#watch-link");
        watchLink.waitFor(new Locator.WaitForOptions().setTimeout(10_000));
        assertThat(watchLink.getAttribute("href")).contains("watch.html?v=" + id);

        // From the catalog to the watch page, as a viewer would.
        catalog.close();
        WatchPage watch = WatchPage.on(tab);
        Page page = watch.page();
        page.navigate(cdn.originUrl() + "/");
        page.locator(".video-card[data-id='" + id + "']").click();
        page.waitForURL("**/watch.html?v=" + id + "*");
        watch.awaitStartup(STARTUP);
        watch.note("startup " + watch.stats().get("startupSeconds") + " s from " + watch.edgeName());
        double start = watch.currentTime();
        watch.waitFor("5 s of playback", Duration.ofSeconds(20), () -> watch.currentTime() >= start + 5);

        assertThat(watch.mediaErrors()).as("the video element's error events").isEmpty();
        assertThat(watch.events()).as("the player's events").noneMatch(e -> "error".equals(e.get("type")));
        assertThat(watch.decodedFrames()).as("decoded frames").isPositive();
        assertThat(watch.segmentRequests()).as("video segments fetched").isNotEmpty();
        videoId = id;
    }

    @Test
    @Order(2)
    void uploadOfATextFileShowsTheOriginsReasonAndKeepsNothing(BrowserTab tab) throws Exception {
        Path notes = temp.resolve("notes.txt");
        Files.writeString(notes, "not a video, just a few words of text\n".repeat(50));
        int videosBefore = catalogSize();
        Page page = tab.page();
        page.navigate(cdn.originUrl() + "/upload.html");
        page.locator("#operator-box summary").click();
        page.fill("#admin-token", TOKEN);

        Response refused = page.waitForResponse(r -> r.url().endsWith("/api/videos") && "POST".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(30_000),
                () -> page.setInputFiles("#upload-input", notes));

        assertThat(refused.status()).isBetween(400, 499);
        String reason = new JsonObject(refused.text()).getString("reason");
        assertThat(reason).isNotBlank();
        Locator status = page.locator("#upload-status");
        waitForText(page, status, reason, Duration.ofSeconds(10));
        assertThat(page.locator("#watch-link").isVisible()).as("a watch link for a refused file").isFalse();
        assertThat(catalogSize()).as("videos in the catalog").isEqualTo(videosBefore);
    }

    @Test
    @Order(3)
    void qualityMenuSwitchesTheRungTheOverlayShowsAndTheSegmentsFetched(BrowserTab tab) throws Exception {
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        watch.waitFor("Auto to reach " + TOP, Duration.ofSeconds(20),
                () -> watch.segmentRequests().stream().anyMatch(r -> r.rung().equals(TOP)));
        Page page = watch.page();
        page.keyboard().press("s");
        Locator overlay = page.locator("#stats");
        overlay.waitFor(new Locator.WaitForOptions().setTimeout(5_000));

        String lowestOption = optionValueStartingWith(page, LOWEST);
        long chosen = System.nanoTime();
        page.selectOption("#quality", lowestOption);
        watch.note("chose " + LOWEST + " (option " + lowestOption + ")");

        watch.waitFor("3 " + LOWEST + " segments after choosing it", Duration.ofSeconds(20),
                () -> watch.segmentRequestsAfter(chosen).stream().filter(r -> r.rung().equals(LOWEST)).count() >= 3);
        waitForText(page, page.locator("#stat-rung"), LOWEST, Duration.ofSeconds(15));
        List<WatchPage.SegmentRequest> after = watch.segmentRequestsAfter(chosen);
        int firstLowest = indexOfRung(after, LOWEST);
        assertThat(after.subList(firstLowest, after.size())).as("video segments once the menu says " + LOWEST)
                .allMatch(r -> r.rung().equals(LOWEST));
        assertThat(watch.stats().get("rung")).isEqualTo(LOWEST);
        assertThat(((Number) watch.stats().get("rungIndex")).intValue()).isEqualTo(Integer.parseInt(lowestOption));

        // And back up: the top rung, chosen by hand.
        String topOption = optionValueStartingWith(page, TOP);
        long up = System.nanoTime();
        page.selectOption("#quality", topOption);
        watch.waitFor("2 " + TOP + " segments after choosing it", Duration.ofSeconds(20),
                () -> watch.segmentRequestsAfter(up).stream().filter(r -> r.rung().equals(TOP)).count() >= 2);
        waitForText(page, page.locator("#stat-rung"), TOP, Duration.ofSeconds(15));
    }

    @Test
    @Order(4)
    void throttledLinkMovesThePlayerDownWithinAFewSegmentsAndLiftingItClimbsBack(BrowserTab tab) throws Exception {
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        watch.waitFor("Auto to reach " + TOP, Duration.ofSeconds(20),
                () -> watch.segmentRequests().stream().anyMatch(r -> r.rung().equals(TOP)));
        NetworkThrottle throttle = NetworkThrottle.attach(watch.page());

        long throttled = System.nanoTime();
        throttle.limit(600, Duration.ofMillis(20));
        watch.note("throttled to 600 kbps");
        watch.waitFor("a " + LOWEST + " segment under a 600 kbps link", Duration.ofSeconds(30),
                () -> watch.segmentRequestsAfter(throttled).stream().anyMatch(r -> r.rung().equals(LOWEST)));
        List<WatchPage.SegmentRequest> afterThrottle = watch.segmentRequestsAfter(throttled);
        int down = indexOfRung(afterThrottle, LOWEST);
        watch.note(String.format("down at %s %.1f s after the throttle, after %d %s segments", LOWEST,
                (afterThrottle.get(down).nanos() - throttled) / 1e9, down, TOP));
        assertThat(down).as(() -> "video segments fetched at " + TOP + " under the throttle before moving down; " + watch.describe())
                .isLessThanOrEqualTo(4);
        watch.waitFor("the throughput estimate to see the throttle", Duration.ofSeconds(10),
                () -> ((Number) watch.stats().get("throughputKbps")).doubleValue() < 1000);

        // Climbing back is judged by time, not segments: the buffer drained under the throttle, and refilling it at
        // local speed fetches several small segments a second (the player refills ~20 s of buffer at the lower rung
        // before it climbs: 9-14 s measured on a busy 2-core machine).
        long lifted = System.nanoTime();
        double liftedInPage = watch.pageNow();
        throttle.lift();
        watch.note("throttle lifted");
        watch.waitFor("a " + TOP + " segment within 30 s of lifting the throttle", Duration.ofSeconds(30),
                () -> watch.segmentRequestsAfter(lifted).stream().anyMatch(r -> r.rung().equals(TOP)));
        List<WatchPage.SegmentRequest> afterLift = watch.segmentRequestsAfter(lifted);
        WatchPage.SegmentRequest firstUp = afterLift.get(indexOfRung(afterLift, TOP));
        watch.note(String.format("back at %s %.1f s after the lift, after %d %s segments", TOP,
                (firstUp.nanos() - lifted) / 1e9, indexOfRung(afterLift, TOP), LOWEST));
        // The player's own record agrees with the network (what is on screen follows only once the buffered
        // lower-rung segments have played, up to 30 s later).
        int topIndex = Integer.parseInt(optionValueStartingWith(watch.page(), TOP));
        watch.waitFor("window.streamcdn.segments to record a " + TOP + " segment after the lift", Duration.ofSeconds(10),
                () -> Boolean.TRUE.equals(watch.page().evaluate(
                        "([from, top]) => window.streamcdn.segments.some(s => s.t > from && s.rungIndex === top)",
                        List.of(liftedInPage, topIndex))));
        assertThat(watch.mediaErrors()).isEmpty();
    }

    @Test
    @Order(5)
    void qoeBeaconsSentWhenTheViewerLeavesShowUpInTheOriginsMetrics(BrowserTab tab) throws Exception {
        PrometheusSamples before = metrics();
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        String edge = watch.edgeName();
        double start = watch.currentTime();
        watch.waitFor("2 s of playback", Duration.ofSeconds(20), () -> watch.currentTime() >= start + 2);

        // Leaving before the first 10 s of playback: only the page-hide beacon can carry the startup.
        watch.page().navigate("about:blank");
        watch.note("left the watch page");

        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        PrometheusSamples after = metrics();
        while (after.sum("streamcdn_qoe_startup_seconds_count", "edge", edge) <= before.sum("streamcdn_qoe_startup_seconds_count", "edge", edge)
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            after = metrics();
        }
        assertThat(after.sum("streamcdn_qoe_beacons_total", "outcome", "accepted"))
                .as("accepted beacons").isGreaterThan(before.sum("streamcdn_qoe_beacons_total", "outcome", "accepted"));
        assertThat(after.sum("streamcdn_qoe_startup_seconds_count", "edge", edge))
                .as("startups counted for edge %s", edge)
                .isGreaterThan(before.sum("streamcdn_qoe_startup_seconds_count", "edge", edge));
        assertThat(after.sum("streamcdn_qoe_played_seconds_total", "edge", edge))
                .as("seconds played from edge %s", edge)
                .isGreaterThan(before.sum("streamcdn_qoe_played_seconds_total", "edge", edge));
        assertThat(after.sum("streamcdn_qoe_beacons_total", "outcome", "rejected"))
                .as("rejected beacons").isEqualTo(before.sum("streamcdn_qoe_beacons_total", "outcome", "rejected"));
    }

    @Test
    @Order(6)
    void watchPageFitsAPhoneScreen(BrowserTab tab) throws Exception {
        tab.page().setViewportSize(375, 667);
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        Page page = watch.page();

        @SuppressWarnings("unchecked")
        Map<String, Object> widths = (Map<String, Object>) page.evaluate(
                "() => ({scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, inner: innerWidth})");
        assertThat(((Number) widths.get("inner")).intValue()).isEqualTo(375);
        assertThat(((Number) widths.get("scroll")).intValue()).as("page width (no horizontal scroll) " + widths).isLessThanOrEqualTo(375);
        assertThat(((Number) widths.get("body")).intValue()).as("body width " + widths).isLessThanOrEqualTo(375);
        for (String control : List.of("#video", "#quality")) {
            Locator element = page.locator(control);
            assertThat(element.isVisible()).as(control + " visible").isTrue();
            BoundingBox box = element.boundingBox();
            assertThat(box.x).as(control + " left edge").isGreaterThanOrEqualTo(0);
            assertThat(box.x + box.width).as(control + " right edge").isLessThanOrEqualTo(375.5);
            assertThat(box.width).as(control + " width").isGreaterThan(0);
        }
        double start = watch.currentTime();
        watch.waitFor("playback on a phone-sized page", Duration.ofSeconds(15), () -> watch.currentTime() >= start + 2);
    }

    @Test
    @Order(7)
    void signedUrlsFromTheRouterCarryEverySegmentAndThePlainPathIsRefusedAtTheEdge(BrowserTab tab) throws Exception {
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        String edge = watch.edgeName();
        String edgeHost = hostPort(cdn.edge(edge).url());
        double start = watch.currentTime();
        watch.waitFor("5 s of playback", Duration.ofSeconds(20), () -> watch.currentTime() >= start + 5);

        List<WatchPage.SegmentRequest> fetched = watch.segmentRequests();
        assertThat(fetched).as("video segments fetched").isNotEmpty();
        assertThat(fetched).as("video segments, all from the edge in use").allMatch(r -> r.hostPort().equals(edgeHost));
        for (WatchPage.SegmentRequest r : fetched) {
            Matcher m = SIGNED.matcher(URI.create(r.url()).getPath());
            assertThat(m.find()).as("a segment URL under /s/{exp}/{keyId}/{sig}/videos/{id}/: %s", r.url()).isTrue();
            assertThat(m.group(4)).isEqualTo(sharedVideo());
        }
        assertThat(watch.mediaErrors()).isEmpty();
        assertThat(watch.events()).noneMatch(e -> "error".equals(e.get("type")));

        HttpResponse<String> plain = get(cdn.edge(edge).url() + "/videos/" + sharedVideo() + "/manifest.mpd");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(403);
        assertThat(new JsonObject(plain.body()).getString("error")).isEqualTo("signed_url_missing");
        watch.note(fetched.size() + " signed segments from " + edge + ", e.g. " + fetched.get(0).url());
    }

    @Test
    @Order(8)
    void signedUrlsAreRefreshedBeforeTheyExpireAndPlaybackGoesOnWithoutAStallOver3Seconds(BrowserTab tab) throws Exception {
        // The router signs for one minute; the player asks again halfway (30 s), dash.js's next requests carry the new prefix.
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        String firstExpiry = expiryOf(watch.segmentRequests().get(0).url());
        watch.waitFor("a refresh of the signed URLs before they expire", Duration.ofSeconds(50),
                () -> watch.events().stream().anyMatch(e -> "refresh".equals(e.get("type")) && "expiry".equals(e.get("reason"))));
        long refreshed = System.nanoTime();
        watch.waitFor("3 video segments under a fresh signature", Duration.ofSeconds(20),
                () -> watch.segmentRequestsAfter(refreshed).stream().filter(r -> !expiryOf(r.url()).equals(firstExpiry)).count() >= 3);
        double position = watch.currentTime();
        watch.waitFor("3 s more of playback", Duration.ofSeconds(10), () -> watch.currentTime() >= position + 3);

        List<WatchPage.SegmentRequest> after = watch.segmentRequestsAfter(refreshed);
        assertThat(after).as("segments after the refresh").allMatch(r -> SIGNED.matcher(URI.create(r.url()).getPath()).find());
        double longestStall = watch.longestStallSince(0);
        List<Map<String, Object>> events = watch.events();
        double startupAt = events.stream().filter(e -> "startup".equals(e.get("type"))).mapToDouble(e -> ((Number) e.get("t")).doubleValue())
                .findFirst().orElseThrow();
        List<Double> refreshes = events.stream().filter(e -> "refresh".equals(e.get("type")))
                .map(e -> ((Number) e.get("t")).doubleValue()).toList();
        watch.note(String.format("signed until %s, refreshed %.1f s after the first frame; then %s; longest stall %.2f s",
                firstExpiry, (refreshes.get(0) - startupAt) / 1000, after.stream().map(r -> expiryOf(r.url())).distinct().toList(),
                longestStall));
        assertThat(refreshes.get(0) - startupAt).as("ms from the first frame to the refresh of one-minute URLs (halfway)")
                .isBetween(20_000.0, 35_000.0);
        assertThat(refreshes).as("refreshes in %.0f s of playback (halfway each time, not every few seconds)",
                (watch.pageNow() - startupAt) / 1000).hasSizeLessThanOrEqualTo(2);
        assertThat(longestStall).as("longest stall, seconds").isLessThanOrEqualTo(3.0);
        assertThat(watch.mediaErrors()).isEmpty();
        assertThat(watch.events()).noneMatch(e -> "error".equals(e.get("type")) || "failover".equals(e.get("type")));
    }

    @Test
    @Order(9)
    void withSigningKeysAndNoRouterTheWatchPagePlaysFromTheOriginsSignedUrlsAndRefreshesThemOnA403(BrowserTab tab)
            throws Exception {
        // A second origin over a copy of the first one's catalog and files: signing keys, no router.
        String id = sharedVideo();
        Path data = temp.resolve("origin-alone");
        for (String folder : List.of("catalog", "videos")) {
            copyTree(cdn.dataDir().resolve(folder), data.resolve(folder));
        }
        OriginServer alone = startOrigin(data, 0, keys());
        try {
            String originUrl = "http://127.0.0.1:" + alone.port();
            assertThat(new JsonObject(get(originUrl + "/player-config.json").body()).getValue("routerUrl")).isNull();
            WatchPage watch = WatchPage.on(tab).open(originUrl + "/watch.html?v=" + id).awaitStartup(STARTUP);
            double start = watch.currentTime();
            watch.waitFor("5 s of playback", Duration.ofSeconds(20), () -> watch.currentTime() >= start + 5);

            assertThat(watch.edgeName()).isEqualTo("origin");
            List<WatchPage.SegmentRequest> fetched = watch.segmentRequests();
            assertThat(fetched).isNotEmpty().allMatch(r -> r.hostPort().equals(hostPort(originUrl)));
            assertThat(fetched).as("segment URLs under the origin's signed prefix")
                    .allMatch(r -> SIGNED.matcher(URI.create(r.url()).getPath()).find());
            assertThat(watch.mediaErrors()).isEmpty();
            assertThat(watch.events()).noneMatch(e -> "error".equals(e.get("type")));
            assertThat(get(originUrl + "/videos/" + id + "/manifest.mpd").statusCode())
                    .as("the plain path on the origin").isEqualTo(403);
            watch.note("played from the origin alone, e.g. " + fetched.get(0).url());

            // The origin restarts on the same port with another key (k1 retired): the URLs in use get
            // 403 signed_url_unknown_key, and the player takes fresh ones from the origin's API and plays on.
            int port = alone.port();
            double restartedAt = watch.pageNow();
            long restarted = System.nanoTime();
            alone.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Path otherKey = temp.resolve("signing-keys-k2");
            byte[] secret = new byte[32];
            new java.security.SecureRandom().nextBytes(secret);
            Files.writeString(otherKey, "k2:" + Base64.getEncoder().encodeToString(secret) + "\n");
            alone = startOrigin(data, port, SigningKeys.fromFile(otherKey.toString()));
            watch.note("origin restarted with key k2 only");
            watch.waitFor("a refresh after a 403", Duration.ofSeconds(40),
                    () -> watch.events().stream().anyMatch(e -> "refresh".equals(e.get("type")) && "403".equals(e.get("reason"))));
            watch.waitFor("3 video segments signed with k2", Duration.ofSeconds(20),
                    () -> watch.segmentRequestsAfter(restarted).stream().filter(r -> keyIdOf(r.url()).equals("k2")).count() >= 3);
            double longestStall = watch.longestStallSince(restartedAt);
            watch.note(String.format("after the restart: %s; longest stall %.2f s", watch.events().stream()
                    .filter(e -> e.get("t") instanceof Number t && t.doubleValue() > restartedAt && !"switch".equals(e.get("type"))).toList(),
                    longestStall));
            assertThat(longestStall).as("longest stall after the key changed, seconds").isLessThanOrEqualTo(3.0);
            assertThat(watch.mediaErrors()).isEmpty();
        } finally {
            alone.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static OriginServer startOrigin(Path data, int port, Optional<SigningKeys> keys) throws Exception {
        return OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(port).dataDir(data)
                .signingKeys(keys).signedUrlTtl("1m").build()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(10)
    void theUploadPageKeepsTheTokenForTheTabOnlyAndSendsItOnDelete(BrowserTab tab) throws Exception {
        int videosBefore = catalogSize();
        Page page = tab.page();
        page.onDialog(dialog -> dialog.accept()); // "Delete this video ...?"
        page.navigate(cdn.originUrl() + "/upload.html");
        page.locator("#operator-box summary").click();
        page.fill("#admin-token", TOKEN);

        // Kept for the tab (a reload fills it in again), nowhere else.
        page.reload();
        assertThat(page.inputValue("#admin-token")).isEqualTo(TOKEN);
        assertThat(page.evaluate("() => [localStorage.length, document.cookie, location.href]").toString()).doesNotContain(TOKEN);
        assertThat(page.evaluate("() => localStorage.length")).isEqualTo(0);

        // The short clip (10 s).
        Response accepted = page.waitForResponse(r -> r.url().endsWith("/api/videos") && "POST".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(60_000),
                () -> page.setInputFiles("#upload-input", TestMedia.clip360p()));
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String id = new JsonObject(accepted.text()).getString("id");
        Locator delete = page.locator("#delete-video");
        delete.waitFor(new Locator.WaitForOptions().setTimeout(10_000));

        // Without the token the delete is refused and the page asks for it in its own line; the video stays.
        page.fill("#admin-token", "");
        assertThat(page.evaluate("() => sessionStorage.length")).as("an emptied field forgets the token").isEqualTo(0);
        Response refused = page.waitForResponse(r -> r.url().endsWith("/api/videos/" + id) && "DELETE".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(10_000), delete::click);
        assertThat(refused.status()).isEqualTo(401);
        Locator deleteStatus = page.locator("#delete-status");
        waitForText(page, deleteStatus, "needs the admin token for deletes", Duration.ofSeconds(10));
        // The encode goes on (polled every second) to its end: neither its progress nor "Ready" hides the refusal.
        waitForText(page, page.locator("#upload-status"), "Ready to watch.", Duration.ofSeconds(90));
        assertThat(deleteStatus.isVisible()).isTrue();
        assertThat(deleteStatus.innerText()).contains("needs the admin token for deletes");
        assertThat(get(cdn.originUrl() + "/api/videos/" + id).statusCode()).isEqualTo(200);

        page.fill("#admin-token", TOKEN);
        Response deleted = page.waitForResponse(r -> r.url().endsWith("/api/videos/" + id) && "DELETE".equals(r.request().method()),
                new Page.WaitForResponseOptions().setTimeout(10_000), delete::click);
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
        assertThat(deleted.request().headerValue("authorization")).isEqualTo("Bearer " + TOKEN);
        waitForText(page, page.locator("#upload-status"), "Deleted.", Duration.ofSeconds(10));
        assertThat(deleteStatus.isVisible()).as("the refusal's line once the delete went through").isFalse();
        assertThat(get(cdn.originUrl() + "/api/videos/" + id).statusCode()).isEqualTo(404);
        assertThat(catalogSize()).as("videos after the delete").isEqualTo(videosBefore);
    }

    @Test
    @Order(100)
    void stoppingTheEdgeInUseMidPlayContinuesThroughTheOtherEdgeWithoutAStallOver3Seconds(BrowserTab tab) throws Exception {
        WatchPage watch = WatchPage.on(tab).open(watchUrl("")).awaitStartup(STARTUP);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ranked = (List<Map<String, Object>>) watch.page().evaluate("() => window.streamcdn.edges");
        assertThat(ranked).as("edges the router ranked for the player").hasSizeGreaterThanOrEqualTo(2);
        String first = watch.edgeName();
        String firstHost = hostPort(cdn.edge(first).url());
        double start = watch.currentTime();
        watch.waitFor("3 s of playback", Duration.ofSeconds(20), () -> watch.currentTime() >= start + 3);
        assertThat(watch.segmentRequests()).as("segments from %s before it stops", first)
                .anyMatch(r -> r.hostPort().equals(firstHost));

        double stoppedAt = watch.pageNow();
        long stopped = System.nanoTime();
        double positionAtStop = watch.currentTime();
        cdn.stopEdge(first);
        watch.note("stopped " + first + " at position " + positionAtStop);

        watch.waitFor("10 s more of playback after " + first + " stopped", Duration.ofSeconds(30),
                () -> watch.currentTime() >= positionAtStop + 10);
        String other = watch.edgeName();
        assertThat(other).as("the edge in use now").isNotEqualTo(first);
        String otherHost = hostPort(cdn.edge(other).url());
        watch.waitFor("3 segments from " + other, Duration.ofSeconds(20),
                () -> watch.segmentRequestsAfter(stopped).stream().filter(r -> r.hostPort().equals(otherHost)).count() >= 3);
        double longestStall = watch.longestStallSince(stoppedAt);
        watch.note(String.format("failed over to %s; longest stall since the stop %.2f s; events %s", other, longestStall,
                watch.events().stream().filter(e -> !"switch".equals(e.get("type"))).toList()));
        assertThat(watch.events()).as("the player's events").anyMatch(e -> "failover".equals(e.get("type")));
        assertThat(longestStall).as("longest stall after the edge stopped, seconds").isLessThanOrEqualTo(3.0);
        assertThat(watch.mediaErrors()).as("the video element's error events").isEmpty();
    }

    // ---- helpers ----

    /** The shared video's watch page (uploading it first when this test runs alone). */
    private static String watchUrl(String extraQuery) throws Exception {
        return cdn.originUrl() + "/watch.html?v=" + sharedVideo() + extraQuery;
    }

    /**
     * The video the first test uploaded through the page. When a test runs on its own, the same clip is uploaded
     * through the API instead, so every test can be run alone.
     */
    private static synchronized String sharedVideo() throws Exception {
        if (videoId == null) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cdn.originUrl() + "/api/videos?title=bbb"))
                    .header("Content-Type", "video/mp4").header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofFile(clip)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            String id = new JsonObject(response.body()).getString("id");
            assertThat(cdn.awaitReady(id, Duration.ofMinutes(3)).getString("state")).isEqualTo("ready");
            videoId = id;
        }
        return videoId;
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {expires} of a signed URL, or "" when it is not signed. */
    private static String expiryOf(String url) {
        Matcher m = SIGNED.matcher(URI.create(url).getPath());
        return m.find() ? m.group(1) : "";
    }

    /** The {keyId} of a signed URL, or "" when it is not signed. */
    private static String keyIdOf(String url) {
        Matcher m = SIGNED.matcher(URI.create(url).getPath());
        return m.find() ? m.group(2) : "";
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static int catalogSize() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(cdn.originUrl() + "/api/videos")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(response.body()).getJsonArray("videos").size();
    }

    private static PrometheusSamples metrics() throws IOException, InterruptedException {
        return new PrometheusSamples(HTTP.send(HttpRequest.newBuilder(URI.create(cdn.originUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String hostPort(String url) {
        Matcher m = EDGE_OF_URL.matcher(url + "/");
        assertThat(m.find()).as("a URL with a host: %s", url).isTrue();
        return m.group(1);
    }

    /** The value of the quality menu's option whose label starts with {@code rung} ("240p · 300 kbps"). */
    private static String optionValueStartingWith(Page page, String rung) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> options = (List<Map<String, Object>>) page.evaluate(
                "() => [...document.querySelectorAll('#quality option')].map(o => ({value: o.value, label: o.textContent.trim()}))");
        return options.stream().filter(o -> String.valueOf(o.get("label")).startsWith(rung)).map(o -> String.valueOf(o.get("value")))
                .findFirst().orElseThrow(() -> new AssertionError("no quality option for " + rung + " in " + options));
    }

    private static int indexOfRung(List<WatchPage.SegmentRequest> requests, String rung) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).rung().equals(rung)) {
                return i;
            }
        }
        throw new AssertionError("no " + rung + " segment in " + requests);
    }

    private static void waitForText(Page page, Locator element, String expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            String text = element.isVisible() ? element.innerText() : "(hidden) " + element.textContent();
            if (element.isVisible() && text.contains(expected)) {
                return;
            }
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(text)) {
                seen.add(text);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + element + " to show \"" + expected
                        + "\"; it showed " + seen);
            }
            page.waitForTimeout(100);
        }
    }
}
