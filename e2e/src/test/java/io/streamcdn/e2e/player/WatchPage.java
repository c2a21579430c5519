package io.streamcdn.e2e.player;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import io.streamcdn.e2e.browser.BrowserTab;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The player's watch page in a browser tab, read only through what the player promises (the contract): the
 * {@code window.streamcdn} hooks, the page's elements, and, seen from outside the page, the video segments the
 * browser asks for and the media element's own events.
 */
final class WatchPage {

    /**
     * Installed before any of the page's scripts: the media element's {@code error}, {@code waiting} and
     * {@code playing} events, caught on the way down (they do not bubble), with their page time.
     */
    private static final String MEDIA_LOG = """
            (() => {
              const log = window.__e2eMedia = {errors: [], waiting: [], playing: []};
              const media = e => e.target instanceof HTMLMediaElement;
              addEventListener('error', e => {
                if (media(e)) log.errors.push({t: performance.now(), code: e.target.error && e.target.error.code,
                                               message: e.target.error && e.target.error.message});
              }, true);
              addEventListener('waiting', e => { if (media(e)) log.waiting.push(performance.now()); }, true);
              addEventListener('playing', e => { if (media(e)) log.playing.push(performance.now()); }, true);
            })();""";

    /** The longest stall (seconds) that ended, or is still going, after page time {@code from}: media events and the page's own. */
    private static final String LONGEST_STALL = """
            from => {
              const now = performance.now();
              const log = window.__e2eMedia;
              let longest = 0;
              for (const w of log.waiting) {
                const p = log.playing.find(t => t >= w);
                const end = p === undefined ? now : p;
                if (end >= from) longest = Math.max(longest, end - w);
              }
              let start = null;
              for (const e of window.streamcdn.events) {
                if (e.type === 'rebuffer-start') start = e.t;
                if (e.type === 'rebuffer-end' && start !== null) {
                  if (e.t >= from) longest = Math.max(longest, e.t - start);
                  start = null;
                }
              }
              if (start !== null) longest = Math.max(longest, now - start);
              return longest / 1000;
            }""";

    /** A video segment URL: {@code .../videos/ID/360p/seg-00012.m4s}, whatever comes before (edge, signed prefix). */
    private static final Pattern VIDEO_SEGMENT = Pattern.compile("/videos/[^/]+/(\\d{3,4}p)/seg-(\\d+)\\.m4s$");

    /** A video segment the browser asked for: when (System.nanoTime), from where (host:port), which rung and number. */
    record SegmentRequest(long nanos, String url, String hostPort, String rung, int number) {
    }

    private final BrowserTab tab;
    private final Page page;
    private final List<SegmentRequest> requests = Collections.synchronizedList(new ArrayList<>());

    private WatchPage(BrowserTab tab, Page page) {
        this.tab = tab;
        this.page = page;
    }

    /**
     * Watches the tab's first page from now on: its media element's events (from the next page loaded) and its
     * video segment requests. Then {@link #open} a watch page, or get to one by clicking.
     */
    static WatchPage on(BrowserTab tab) {
        WatchPage watch = new WatchPage(tab, tab.page());
        watch.page.addInitScript(MEDIA_LOG);
        watch.page.onRequest(watch::noteRequest);
        return watch;
    }

    /** Opens {@code url} (a watch.html address). */
    WatchPage open(String url) {
        tab.note("open " + url);
        page.navigate(url);
        return this;
    }

    Page page() {
        return page;
    }

    private void noteRequest(Request request) {
        String path = URI.create(request.url()).getPath();
        Matcher m = VIDEO_SEGMENT.matcher(path == null ? "" : path);
        if (m.find()) {
            URI url = URI.create(request.url());
            requests.add(new SegmentRequest(System.nanoTime(), request.url(), url.getHost() + ":" + url.getPort(),
                    m.group(1), Integer.parseInt(m.group(2))));
        }
    }

    /** Waits until the first frame is on screen (the player's startup event). */
    WatchPage awaitStartup(Duration timeout) {
        waitFor("the first frame (a startup event)", timeout,
                () -> Boolean.TRUE.equals(page.evaluate("() => !!window.streamcdn && window.streamcdn.events.some(e => e.type === 'startup')")));
        return this;
    }

    double currentTime() {
        return ((Number) page.evaluate("() => document.getElementById('video').currentTime")).doubleValue();
    }

    /** {@code performance.now()} in the page, in milliseconds. */
    double pageNow() {
        return ((Number) page.evaluate("() => performance.now()")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stats() {
        return (Map<String, Object>) page.evaluate("() => window.streamcdn.stats()");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> events() {
        return (List<Map<String, Object>>) page.evaluate("() => window.streamcdn.events.map(e => ({...e}))");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> mediaErrors() {
        return (List<Map<String, Object>>) page.evaluate("() => window.__e2eMedia.errors");
    }

    int decodedFrames() {
        return ((Number) page.evaluate("() => document.getElementById('video').getVideoPlaybackQuality().totalVideoFrames")).intValue();
    }

    /** The longest stall, in seconds, that ended (or still goes on) after page time {@code fromMillis}. */
    double longestStallSince(double fromMillis) {
        return ((Number) page.evaluate(LONGEST_STALL, fromMillis)).doubleValue();
    }

    /** The name of the edge the player uses now ({@code window.streamcdn.edge.name}). */
    String edgeName() {
        return (String) page.evaluate("() => window.streamcdn.edge && window.streamcdn.edge.name");
    }

    /** Every video segment requested so far, oldest first. */
    List<SegmentRequest> segmentRequests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Video segments requested after {@code nanos} (a System.nanoTime reading). */
    List<SegmentRequest> segmentRequestsAfter(long nanos) {
        return segmentRequests().stream().filter(r -> r.nanos() > nanos).toList();
    }

    /**
     * Polls {@code condition} every 100 ms until it holds; fails after {@code timeout} with what the player was doing.
     * Waits through Playwright (not Thread.sleep) so that the page's events keep arriving meanwhile.
     */
    void waitFor(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; " + describe());
            }
            page.waitForTimeout(100);
        }
    }

    /** Plays on for {@code duration} (the page's events keep arriving). */
    void playFor(Duration duration) {
        page.waitForTimeout(duration.toMillis());
    }

    /** What the player is doing, for failure messages. */
    String describe() {
        StringBuilder s = new StringBuilder();
        try {
            s.append("url ").append(page.url()).append("; currentTime ").append(currentTime())
                    .append("; stats ").append(stats()).append("; events ").append(events())
                    .append("; last measured segments ").append(page.evaluate(
                            "() => window.streamcdn.segments.slice(-12).map(s => `${s.rungIndex}#${s.index} ${s.bytes} B ${s.ms} ms`)"));
        } catch (RuntimeException e) {
            s.append("(the page's state could not be read: ").append(e.getMessage()).append(')');
        }
        List<SegmentRequest> all = segmentRequests();
        s.append("; last video segment requests ").append(all.subList(Math.max(0, all.size() - 12), all.size()).stream()
                .map(r -> r.hostPort() + " " + r.rung() + "#" + r.number()).toList());
        return s.toString();
    }

    void note(String line) {
        tab.note(line);
    }
}
