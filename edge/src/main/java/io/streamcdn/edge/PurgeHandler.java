package io.streamcdn.edge;

import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.proxy.CacheKey;
import io.streamcdn.edge.proxy.Fills;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * {@code DELETE /api/cache/videos/{id}}: drops every cached object of one video (its files are deleted),
 * and keeps fetches of it that are in flight from being stored. Mounted behind the
 * {@link io.streamcdn.common.security.AdminGuard}: the admin token, or a client on this machine when none is set.
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
}
