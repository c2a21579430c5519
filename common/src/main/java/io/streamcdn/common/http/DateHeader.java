package io.streamcdn.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts {@code Date} on every response (caches compute ages from it), formatting the current second once
 * however many responses ask for it: at tens of thousands of responses a second, date formatting shows.
 */
public final class DateHeader implements Handler<RoutingContext> {

    private record Formatted(long second, String text) {
    }

    private volatile Formatted current = new Formatted(-1, "");

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().putHeader(HttpHeaders.DATE, now());
        ctx.next();
    }

    /** The current time as an HTTP date. */
    public String now() {
        long second = System.currentTimeMillis() / 1000;
        Formatted last = current;
        if (last.second() != second) {
            last = new Formatted(second, HttpDate.format(second * 1000));
            current = last; // a race only formats the same second twice
        }
        return last.text();
    }
}
