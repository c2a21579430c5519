package io.streamcdn.e2e.browser;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;

import java.time.Duration;

/**
 * A page's network slowed down the way Chrome's DevTools do it ({@code Network.emulateNetworkConditions} over
 * the Chrome DevTools Protocol): every response the page receives is paced to the given throughput, as if
 * the viewer's link were that slow. Requests already under way are paced from the moment of the change.
 */
public final class NetworkThrottle {

    private final CDPSession cdp;

    private NetworkThrottle(CDPSession cdp) {
        this.cdp = cdp;
    }

    /** A DevTools session on {@code page}, with its Network domain enabled (emulation applies only then). */
    public static NetworkThrottle attach(Page page) {
        CDPSession cdp = page.context().newCDPSession(page);
        cdp.send("Network.enable");
        return new NetworkThrottle(cdp);
    }

    /** Limits downloads to {@code downKbps} kilobits per second (1,000 bit/s) and adds {@code latency} to each request. */
    public void limit(int downKbps, Duration latency) {
        if (downKbps <= 0) {
            throw new IllegalArgumentException("throughput must be positive, got " + downKbps + " kbps");
        }
        emulate(downKbps * 1000.0 / 8, latency.toMillis());
    }

    /** Back to the real link. */
    public void lift() {
        emulate(-1, 0); // -1: no limit
    }

    private void emulate(double bytesPerSecond, long latencyMs) {
        JsonObject conditions = new JsonObject();
        conditions.addProperty("offline", false);
        conditions.addProperty("latency", latencyMs);
        conditions.addProperty("downloadThroughput", bytesPerSecond);
        conditions.addProperty("uploadThroughput", -1);
        cdp.send("Network.emulateNetworkConditions", conditions);
    }

    /** Ends the DevTools session (the page's network goes back to normal with it). */
    public void detach() {
        cdp.detach();
    }
}
