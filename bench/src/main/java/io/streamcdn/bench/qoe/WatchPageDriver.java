package io.streamcdn.bench.qoe;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays the watch page in the system's headless Chromium through Playwright and reads what the page's
 * {@code window.streamcdn} hooks recorded (the contract between the player and this benchmark).
 * <p>
 * Every session gets a new browser context: an empty HTTP cache (segments are immutable and cacheable
 * for a year, so a shared cache would replay the previous session's downloads for free) and no cookies
 * or storage left by the one before. Playwright is told never to download a browser of its own.
 */
public final class WatchPageDriver implements AutoCloseable {

    /** Debian's Chromium; configurable with {@code --chromium}. */
    public static final Path SYSTEM_CHROMIUM = Path.of("/usr/bin/chromium");

    static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu",
            "--autoplay-policy=no-user-gesture-required");

    /** True once playback reached {@code limit} seconds of video or the end. */
    private static final String PLAYED_ENOUGH = """
            limit => { const v = document.getElementById('video');
                       return !!v && (v.ended || v.currentTime >= limit); }""";

    /** The hooks' contents; "ended" means the session played what it was asked to (not cut at its wall limit). */
    private static final String COLLECT = """
            limit => { const s = window.streamcdn; const v = document.getElementById('video');
                       return JSON.stringify({segments: s.segments, events: s.events, stats: s.stats(),
                           playedSeconds: v ? v.currentTime : 0, ended: !!v && (v.ended || v.currentTime >= limit),
                           now: performance.now()}); }""";

    private final Playwright playwright;
    private final Browser browser;

    private WatchPageDriver(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static WatchPageDriver launch(Path chromium) {
        if (!Files.isExecutable(chromium)) {
            throw new IllegalArgumentException("no Chromium at " + chromium + "; install it (apt-get install chromium) "
                    + "or give its path with --chromium");
        }
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(chromium)
                    .setHeadless(true)
                    .setArgs(CHROMIUM_ARGS));
            return new WatchPageDriver(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** What the browser reports as itself, for the results' setup line. */
    public String browserVersion() {
        return browser.version();
    }

    /**
     * Opens {@code url}, waits for the page's first frame ({@code window.streamcdn.ready}), then until
     * the video has played {@code videoSeconds} or ended, at most {@code wallLimit} from the start; then
     * reads the hooks. A page that never shows a first frame within {@code startLimit} is an error.
     */
    public PlaybackLog play(String url, double videoSeconds, Duration startLimit, Duration wallLimit) {
        return PlaybackLog.fromJson(playRaw(url, videoSeconds, startLimit, wallLimit));
    }

    /** {@link #play}, as the JSON read from the page (kept per session for a look afterwards). */
    public JsonObject playRaw(String url, double videoSeconds, Duration startLimit, Duration wallLimit) {
        long start = System.nanoTime();
        List<String> pageErrors = new ArrayList<>();
        try (BrowserContext context = browser.newContext()) {
            Page page = openAtFirstFrame(context, url, startLimit, pageErrors);
            long left = wallLimit.toMillis() - (System.nanoTime() - start) / 1_000_000;
            try {
                page.waitForFunction(PLAYED_ENOUGH, videoSeconds, new Page.WaitForFunctionOptions()
                        .setPollingInterval(250).setTimeout(Math.max(1, left)));
            } catch (TimeoutError cut) {
                // the session ran out of wall time: what was played so far is scored, marked as cut
            }
            JsonObject json = new JsonObject((String) page.evaluate(COLLECT, videoSeconds));
            json.put("wallSeconds", (System.nanoTime() - start) / 1e9);
            if (!pageErrors.isEmpty()) {
                json.put("pageErrors", new io.vertx.core.json.JsonArray(new ArrayList<Object>(pageErrors)));
            }
            return json;
        }
    }

    /**
     * How long a viewer waits for the first frame, two ways: the player's own {@code stats().startupSeconds}
     * (from asking for the stream to the first frame) and from the start of navigation (the page's
     * {@code performance.now()} at its {@code startup} event: loading the page, its scripts and its
     * configuration included).
     */
    public record Startup(double playerSeconds, double pageSeconds) {
    }

    /** Opens {@code url} in a fresh context and returns its startup once the first frame shows. */
    public Startup startup(String url, Duration startLimit) {
        List<String> pageErrors = new ArrayList<>();
        try (BrowserContext context = browser.newContext()) {
            Page page = openAtFirstFrame(context, url, startLimit, pageErrors);
            page.waitForFunction("() => window.streamcdn.events.some(e => e.type === 'startup')", null,
                    new Page.WaitForFunctionOptions().setTimeout(startLimit.toMillis()));
            JsonObject json = new JsonObject((String) page.evaluate("""
                    () => JSON.stringify({player: window.streamcdn.stats().startupSeconds,
                        page: window.streamcdn.events.find(e => e.type === 'startup').t / 1000})"""));
            Double player = json.getDouble("player");
            if (player == null) {
                throw new IllegalStateException(url + ": stats().startupSeconds is not a number after the first frame: " + json);
            }
            return new Startup(player, json.getDouble("page"));
        }
    }

    /** A page of {@code context} at {@code url} once it shows its first frame; script errors go to {@code pageErrors}. */
    private static Page openAtFirstFrame(BrowserContext context, String url, Duration startLimit,
                                         List<String> pageErrors) {
        Page page = context.newPage();
        page.onPageError(error -> pageErrors.add(error));
        page.navigate(url);
        awaitFirstFrame(page, url, startLimit, pageErrors);
        return page;
    }

    private static void awaitFirstFrame(Page page, String url, Duration limit, List<String> pageErrors) {
        try {
            page.waitForFunction("() => !!(window.streamcdn && window.streamcdn.ready)", null,
                    new Page.WaitForFunctionOptions().setTimeout(limit.toMillis()));
            page.waitForFunction("() => window.streamcdn.ready.then(() => true)", null,
                    new Page.WaitForFunctionOptions().setTimeout(limit.toMillis()));
        } catch (PlaywrightException e) {
            throw new IllegalStateException(url + " showed no first frame (window.streamcdn.ready) within " + limit
                    + (pageErrors.isEmpty() ? "" : "; page errors: " + pageErrors) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
