/**
 * The origin's HTTP API for videos: streaming uploads ({@link io.streamcdn.origin.api.UploadReceiver}),
 * the probe that admits them, and the catalog's read and delete routes ({@link io.streamcdn.origin.api.VideoApi}).
 *
 * <p>Assembly, in the origin's entry class, after the {@code jobs} parts:
 * <pre>{@code
 * UploadReceiver uploads = new UploadReceiver(vertx, data, UploadLimits.of(config.maxUploadBytes()),
 *         new UploadMetrics(registry));
 * new VideoApi(vertx, catalog, queue, uploads, pipeline, VideoLinks.under(config.publicUrl()))
 *         .mount(router, new AdminGuard("origin", config.adminToken()));
 * }</pre>
 * No body handler may be installed before these routes, and the HTTP server must keep
 * {@code handle100ContinueAutomatically} off (the default), or oversize uploads are read before refused.
 */
package io.streamcdn.origin.api;
