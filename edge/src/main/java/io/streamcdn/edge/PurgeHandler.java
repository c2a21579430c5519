package io.streamcdn.edge;

import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.proxy.CacheKey;
import io.streamcdn.edge.proxy.Fills;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code DELETE /api/cache/videos/{id}}: drops every cached object of one video (its files are deleted),
 * and keeps fetches of it that are in flight from being stored. Until admin tokens exist, only clients on
 * this machine (loopback addresses) may purge; anyone else gets 403.
 */
final class PurgeHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(PurgeHandler.class);

    private final DiskCache cache;
    private final Fills fills;

    PurgeHandler(DiskCache cache, Fills fills) {
        this.cache = cache;
        this.fills = fills;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        if (!isLoopback(remote)) {
            LOG.warn("refused a purge from {}: purges are accepted from this machine only", remote);
            ctx.fail(new HttpProblem(new ApiError(403, "forbidden",
                    "purges are accepted only from this machine (loopback) until admin tokens are configured")));
            return;
        }
        String id = ctx.pathParam("id");
        if (!CacheKey.isVideoId(id)) {
            ctx.fail(HttpProblem.badRequest("bad_id", "'" + id + "' is not a video id; " + io.streamcdn.common.VideoIdSyntax.RULE));
            return;
        }
        String prefix = CacheKey.videoPrefix(id);
        int inFlight = fills.purge(prefix);
        DiskCache.Purged purged = cache.purge(prefix);
        LOG.info("purged video {}: {} objects, {} bytes, {} fetches in flight not to be stored", id,
                purged.objects(), purged.bytes(), inFlight);
        ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                .put("video", id).put("objects", purged.objects()).put("bytes", purged.bytes())
                .put("inFlight", inFlight).encode());
    }

    static boolean isLoopback(SocketAddress remote) {
        if (remote == null || remote.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
