package io.streamcdn.e2e.browser;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One test's browser: a fresh context (no cookies, no cache, no storage shared with other tests) and its first
 * page, with everything the pages said on the console, their uncaught errors and failed requests written down
 * for the failure report. It also notes every request to a host other than this machine's loopback, which a
 * test must never make ({@link #requestsOffThisMachine()}).
 */
public final class BrowserTab {

    private final BrowserContext context;
    private final Page page;
    private final List<String> console = Collections.synchronizedList(new ArrayList<>());
    private final List<String> offMachine = Collections.synchronizedList(new ArrayList<>());
    private final long startNanos = System.nanoTime();

    BrowserTab(BrowserContext context) {
        this.context = context;
        context.onPage(this::watch);
        context.onRequest(this::checkHost);
        this.page = context.newPage();
    }

    public Page page() {
        return page;
    }

    public BrowserContext context() {
        return context;
    }

    /** A second page in the same context (its console is recorded too). */
    public Page newPage() {
        return context.newPage();
    }

    /** What the pages logged so far, one line per message, oldest first, each with seconds since the tab opened. */
    public List<String> console() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    /** Requests to anything but 127.0.0.1/localhost (data:, blob: and about: URLs excepted). */
    public List<String> requestsOffThisMachine() {
        synchronized (offMachine) {
            return List.copyOf(offMachine);
        }
    }

    /**
     * Adds a line of the test's own to the console record (what it did, so the log reads as a story), and prints it
     * (surefire keeps it in the test's output file), so what a passing test measured can be read too.
     */
    public void note(String line) {
        record("test", line);
        System.out.println("e2e: " + line);
    }

    private void watch(Page page) {
        page.onConsoleMessage(m -> record(m.type(), m.text()));
        page.onPageError(e -> record("pageerror", e));
        page.onCrash(p -> record("crash", p.url()));
        page.onRequestFailed(r -> record("requestfailed", r.method() + " " + r.url() + ": " + r.failure()));
    }

    private void checkHost(Request request) {
        URI url;
        try {
            url = URI.create(request.url());
        } catch (IllegalArgumentException e) {
            offMachine.add(request.method() + " " + request.url() + " (unparsable)");
            return;
        }
        String scheme = url.getScheme();
        if ("http".equals(scheme) || "https".equals(scheme) || "ws".equals(scheme) || "wss".equals(scheme)) {
            String host = url.getHost();
            if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
                offMachine.add(request.method() + " " + request.url());
                record("offmachine", request.method() + " " + request.url());
            }
        }
    }

    private void record(String type, String text) {
        console.add(String.format("%7.2f s [%s] %s", (System.nanoTime() - startNanos) / 1e9, type, text));
    }

    void close() {
        context.close();
    }
}
