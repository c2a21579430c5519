/**
 * What happens to a video after its upload is accepted: its record in the {@link io.streamcdn.origin.jobs.Catalog},
 * its files in the {@link io.streamcdn.origin.jobs.DataDirectory}, and its encode on the
 * {@link io.streamcdn.origin.jobs.EncodeQueue}, which publishes the finished ladder atomically.
 *
 * <p>Assembly, in the origin's entry class (blocking calls, made once before the server listens):
 * <pre>{@code
 * DataDirectory data = DataDirectory.open(config.dataDir());
 * Catalog catalog = Catalog.load(data);
 * MediaPipeline pipeline = new MediaPipeline(config.encoderSettings());
 * EncodeQueue queue = new EncodeQueue(catalog, data, pipeline, config.encodeWorkers(), new EncodeMetrics(registry));
 * queue.start();   // cleans leftovers, re-enqueues interrupted work
 * ...
 * queue.close();   // on shutdown, after the HTTP server stops: running encodes go back to "queued"
 * }</pre>
 * The file server serves {@code data.videos()}.
 */
package io.streamcdn.origin.jobs;
