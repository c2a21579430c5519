package io.streamcdn.common.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Locale;

/**
 * One log line per request, written when the response ends (or the connection drops):
 * <pre>
 *   GET /videos/abc123def456/720p/seg-00001.m4s 206 65536 B 3 ms 127.0.0.1 HTTP/1.1
 * </pre>
 * The same facts also travel as SLF4J key-value pairs ({@code method}, {@code path}, {@code status}, {@code bytes},
 * {@code ms}, {@code client}, {@code protocol}, and {@code aborted} when cut off), which {@code --log-format json}
 * writes as structured fields. Mounted first, so it sees every request, including the ones no route matches.
 * The path is the raw one the client sent (still percent-encoded), with control characters escaped so a
 * request cannot forge log lines.
 */
public final class AccessLog implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final int MAX_PATH_CHARS = 512;

    @Override
    public void handle(RoutingContext ctx) {
        if (!LOG.isInfoEnabled()) {
            ctx.next(); // access logging off (a WARN log level): no per-request work at all
            return;
        }
        long startNanos = System.nanoTime();
        ctx.addEndHandler(result -> log(ctx.request(), startNanos,
                aborted(result.succeeded(), ctx.response().ended())));
        ctx.next();
    }

    /**
     * The same line for a request answered without Vert.x-web (a role's fast path, which answers in one go):
     * written when the response ends. Takes the response's end handler.
     */
    public void watch(HttpServerRequest request) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long startNanos = System.nanoTime();
        request.response().endHandler(ended -> log(request, startNanos, false));
    }

    /** The line, and the same facts as key-value pairs, which {@code --log-format json} writes as fields. */
    private static void log(HttpServerRequest request, long startNanos, boolean aborted) {
        SocketAddress remote = request.remoteAddress();
        String method = request.method().name();
        String path = printable(request.path());
        int status = request.response().getStatusCode();
        long bytes = request.response().bytesWritten();
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String client = remote == null ? "-" : remote.hostAddress();
        String protocol = version(request.version());
        LoggingEventBuilder line = LOG.atInfo()
                .addKeyValue("method", method)
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("bytes", bytes)
                .addKeyValue("ms", millis)
                .addKeyValue("client", client)
                .addKeyValue("protocol", protocol);
        if (aborted) {
            line = line.addKeyValue("aborted", true);
        }
        line.log(String.format(Locale.ROOT, "%s %s %d %d B %d ms %s %s%s", method, path, status, bytes, millis,
                client, protocol, aborted ? " (connection closed first)" : ""));
    }

    /**
     * Over HTTP/2 the end handlers report a failure even for a response that went out whole (the stream is
     * closed before Vert.x-web hears of its end), so only a response that was never ended counts as cut off.
     */
    private static boolean aborted(boolean endedCleanly, boolean responseEnded) {
        return !endedCleanly && !responseEnded;
    }

    private static String version(HttpVersion version) {
        return switch (version) {
            case HTTP_1_0 -> "HTTP/1.0";
            case HTTP_1_1 -> "HTTP/1.1";
            case HTTP_2 -> "HTTP/2";
            default -> version.toString();
        };
    }

    static String printable(String path) {
        if (path == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(path.length(), MAX_PATH_CHARS) + 8);
        for (int i = 0; i < path.length() && i < MAX_PATH_CHARS; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ' ') {
                out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (path.length() > MAX_PATH_CHARS) {
            out.append("...");
        }
        return out.toString();
    }
}
