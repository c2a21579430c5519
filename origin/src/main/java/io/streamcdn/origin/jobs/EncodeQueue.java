package io.streamcdn.origin.jobs;

import io.streamcdn.common.ByteSize;
import io.streamcdn.media.Encoder;
import io.streamcdn.media.Ladder;
import io.streamcdn.media.MediaException;
import io.streamcdn.media.MediaInfo;
import io.streamcdn.media.MediaPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns accepted sources into published ladders, first in first out, on a fixed number of dedicated
 * threads. Encodes run for minutes and keep every core busy, so they get their own plain executor rather
 * than a Vert.x worker pool, whose threads must stay free for short blocking calls (file opens, probes).
 *
 * <p>A job: the record goes to {@code encoding} (an attempt is counted and persisted), the pipeline encodes
 * {@code sources/{id}} into {@code staging/{id}}, and the staging folder is renamed to {@code videos/{id}}
 * in one step before the record says {@code ready}; so a ladder is never served half-written, and a
 * {@code ready} record always has its files. A failed job leaves no staging folder and a {@code failed}
 * record with the pipeline's reason.
 *
 * <p>Restarts. {@link #start()} runs before the server accepts requests: staging folders, trash and
 * half-received uploads are leftovers of the last process and are deleted; {@code queued} records are
 * enqueued again in creation order; an {@code encoding} record was interrupted by a crash, so it runs again
 * from scratch unless it has already used {@value #MAX_ATTEMPTS} attempts, in which case it fails with
 * "interrupted N times" (a source that crashes the process must not crash it forever). {@link #close()}
 * stops running encodes and returns their records to {@code queued} without counting the attempt: a
 * deliberate stop is not the source's fault.
 *
 * <p>Deletion ({@link #delete}) cancels a video's job and waits for it to stop before removing anything, so
 * no encode thread writes into a folder being deleted.
 */
public final class EncodeQueue implements AutoCloseable {

    public static final int MAX_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(EncodeQueue.class);
    /** Progress is persisted at most this often, or when it moved by {@link #PERSIST_STEP}; memory has every update. */
    private static final long PERSIST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final double PERSIST_STEP = 0.05;
    /** The pipeline checks for cancellation between frames; this is a generous bound on how long that takes. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private enum Stop { DELETED, SHUTDOWN }

    private final Catalog catalog;
    private final DataDirectory data;
    private final MediaPipeline pipeline;
    private final EncodeMetrics metrics;
    private final Clock clock;
    private final ThreadPoolExecutor executor;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public EncodeQueue(Catalog catalog, DataDirectory data, MediaPipeline pipeline, int workers, EncodeMetrics metrics) {
        this(catalog, data, pipeline, workers, metrics, Clock.systemUTC());
    }

    EncodeQueue(Catalog catalog, DataDirectory data, MediaPipeline pipeline, int workers, EncodeMetrics metrics,
                Clock clock) {
        if (workers < 1) {
            throw new IllegalArgumentException("encode workers must be at least 1, not " + workers);
        }
        this.catalog = catalog;
        this.data = data;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                namedThreads());
    }

    private static ThreadFactory namedThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "encode-worker-" + count.incrementAndGet());
            // Daemon: a process that exits without close() is a crash as far as the records are concerned,
            // and start() recovers from that; it must not be kept alive by an encode.
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Cleans up after the previous process and enqueues the work it left. Blocking; call once, before serving. */
    public void start() throws IOException {
        List<String> staged = data.empty(data.staging());
        if (!staged.isEmpty()) {
            LOG.info("deleted unfinished encodes left in staging: {}", staged);
        }
        data.empty(data.trash());
        List<String> uploads = data.empty(data.uploads());
        if (!uploads.isEmpty()) {
            LOG.info("deleted uploads interrupted by the last stop: {}", uploads);
        }
        List<VideoRecord> oldestFirst = catalog.list().stream()
                .sorted(Comparator.comparing(VideoRecord::createdAt).thenComparing(VideoRecord::id))
                .toList();
        for (VideoRecord record : oldestFirst) {
            recover(record);
        }
        for (Path dir : List.of(data.sources(), data.videos())) {
            for (Path orphan : DataDirectory.list(dir)) {
                String id = orphan.getFileName().toString();
                if (!catalog.contains(id)) {
                    LOG.warn("{} has no record in the catalog (a deletion interrupted by a stop?); deleting it", orphan);
                    data.withdraw(orphan);
                }
            }
        }
    }

    private void recover(VideoRecord record) throws IOException {
        String id = record.id();
        switch (record.state()) {
            case QUEUED -> {
                data.withdraw(data.published(id));
                enqueue(id, null);
            }
            case ENCODING -> {
                data.withdraw(data.published(id));
                if (record.attempts() >= MAX_ATTEMPTS) {
                    String reason = "interrupted " + record.attempts() + " times";
                    catalog.update(id, r -> r.failed(reason, clock.instant()));
                    LOG.warn("video {} encoding → failed: {}", id, reason);
                } else {
                    catalog.update(id, r -> r.requeued(r.attempts(), clock.instant()));
                    LOG.info("video {} encoding → queued (interrupted by the last stop; {} of {} attempts used)",
                            id, record.attempts(), MAX_ATTEMPTS);
                    enqueue(id, null);
                }
            }
            case READY -> {
                if (!Files.isDirectory(data.published(id))) {
                    catalog.update(id, r -> r.requeued(r.attempts(), clock.instant()));
                    LOG.warn("video {} ready → queued: its published folder is missing, encoding it again", id);
                    enqueue(id, null);
                }
            }
            case FAILED -> data.withdraw(data.published(id));
        }
    }

    /**
     * Takes in an upload the probe accepted: it becomes {@code sources/{id}}, a {@code queued} record, and
     * the last job in the queue. Blocking.
     */
    public VideoRecord submit(String id, String title, Path upload, MediaInfo info) throws IOException {
        data.adoptSource(upload, id);
        VideoRecord record = VideoRecord.queued(id, title, VideoRecord.Source.of(info), clock.instant());
        try {
            catalog.put(record);
        } catch (IOException e) {
            Files.deleteIfExists(data.source(id));
            throw e;
        }
        LOG.info(String.format(Locale.ROOT, "video %s new → queued (%s %s %dx%d, %.1f s)", id, info.container(),
                info.video().codec(), info.video().width(), info.video().height(), info.durationSeconds()));
        enqueue(id, info);
        return record;
    }

    /**
     * Adds a video whose record is {@code queued} to the end of the queue.
     *
     * @param info what the probe found, or null to probe the source again when the job starts
     */
    public void enqueue(String id, MediaInfo info) {
        if (closed) {
            LOG.info("video {} stays queued: the encode queue is closed, it will run after the next start", id);
            return;
        }
        Job job = new Job(id, info);
        if (jobs.putIfAbsent(id, job) != null) {
            LOG.warn("video {} is already in the encode queue", id);
            return;
        }
        metrics.jobQueued();
        executor.execute(job);
    }

    /** True while the video waits in the queue or is being encoded. */
    public boolean isActive(String id) {
        return jobs.containsKey(id);
    }

    /**
     * Deletes a video: cancels its job and waits for it to stop, removes its record, then its published
     * folder (renamed out of {@code videos/} first), its staging folder and its source. Blocking.
     *
     * @return false when there was no such video
     */
    public boolean delete(String id) throws IOException {
        Job job = jobs.get(id);
        if (job != null) {
            job.stop(Stop.DELETED);
            awaitStop(job);
        }
        VideoRecord record = catalog.get(id).orElse(null);
        boolean known = catalog.remove(id);
        data.withdraw(data.published(id));
        DataDirectory.deleteTree(data.staging(id));
        Files.deleteIfExists(data.source(id));
        if (known) {
            LOG.info("video {} {} → deleted", id, record == null ? "?" : record.state().label());
        }
        return known;
    }

    private void awaitStop(Job job) throws IOException {
        try {
            job.done.get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the encode of " + job.id + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the encode of " + job.id + " to stop", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("job futures complete normally", e);
        }
    }

    /**
     * Stops taking work, cancels running encodes (their records go back to {@code queued}) and waits for the
     * workers to finish. Queued records stay queued on disk and run after the next {@link #start()}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        jobs.values().forEach(job -> job.stop(Stop.SHUTDOWN));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("encodes still running {} s after close; leaving them to the process exit", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One video's trip through the queue. */
    private final class Job implements Runnable {
        private final String id;
        private final MediaInfo info;
        private final AtomicBoolean taken = new AtomicBoolean();
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile Stop stop;
        private long lastPersistNanos;
        private double lastPersisted;

        Job(String id, MediaInfo info) {
            this.id = id;
            this.info = info;
        }

        void stop(Stop reason) {
            if (stop == null) {
                stop = reason;
            }
            // A job still waiting in the executor is withdrawn here rather than left to wake up and exit.
            if (taken.compareAndSet(false, true)) {
                executor.remove(this);
                metrics.jobLeftQueue();
                finish();
            }
        }

        @Override
        public void run() {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            metrics.jobLeftQueue();
            try {
                if (stop == null) {
                    encode();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("video {}: the encode job failed unexpectedly", id, e);
            } finally {
                finish();
            }
        }

        private void finish() {
            jobs.remove(id, this);
            done.complete(null);
        }

        private void encode() {
            VideoRecord started;
            try {
                started = catalog.update(id, r -> r.encoding(clock.instant())).orElse(null);
            } catch (IOException e) {
                LOG.error("video {} stays queued: its record cannot be written ({})", id, e.toString());
                return;
            }
            if (started == null) {
                return; // deleted while queued
            }
            LOG.info("video {} queued → encoding (attempt {})", id, started.attempts());
            metrics.jobStarted();
            long startNanos = System.nanoTime();
            EncodeMetrics.Outcome outcome = EncodeMetrics.Outcome.FAILED;
            Path staging = data.staging(id);
            try {
                Path source = data.source(id);
                if (!Files.isRegularFile(source)) {
                    throw new MediaException.EncodeFailed("the source file is missing from " + data.sources(), null);
                }
                DataDirectory.deleteTree(staging);
                MediaInfo probed = info != null ? info : pipeline.probe(source);
                Encoder.Result encoded = pipeline.encode(source, probed, staging, this::progress, () -> stop != null);
                Ladder ladder = encoded.ladder();
                if (stop != null) {
                    throw new MediaException.Cancelled();
                }
                data.publish(id);
                catalog.update(id, r -> r.ready(ladder, clock.instant()));
                outcome = EncodeMetrics.Outcome.READY;
                double wall = seconds(System.nanoTime() - startNanos);
                double ratio = ladder.durationSeconds() / wall;
                metrics.realtimeRatio(ratio);
                encoded.rungWallNanos().forEach((rung, nanos) -> metrics.rungEncoded(rung, Duration.ofNanos(nanos)));
                LOG.info(String.format(Locale.ROOT, "video %s encoding → ready in %.1f s (%d renditions, %.1fx realtime, %s)",
                        id, wall, ladder.video().size(), ratio, ByteSize.format(folderBytes(data.published(id)))));
            } catch (MediaException.Cancelled e) {
                outcome = EncodeMetrics.Outcome.CANCELLED;
                DataDirectory.deleteQuietly(staging);
                if (stop == Stop.SHUTDOWN) {
                    requeueAfterShutdown();
                } else {
                    LOG.info("video {} encoding → cancelled (deleted)", id);
                }
            } catch (MediaException e) {
                DataDirectory.deleteQuietly(staging);
                fail(e.getMessage());
            } catch (IOException | RuntimeException e) {
                DataDirectory.deleteQuietly(staging);
                LOG.error("video {}: encode or publication failed", id, e);
                fail("the origin could not store the encoded video (" + e.getMessage() + ")");
            } finally {
                metrics.jobEnded(outcome, Duration.ofNanos(System.nanoTime() - startNanos));
            }
        }

        private void requeueAfterShutdown() {
            try {
                catalog.update(id, r -> r.requeued(Math.max(0, r.attempts() - 1), clock.instant()));
                LOG.info("video {} encoding → queued (the origin is stopping; it will run after the next start)", id);
            } catch (IOException e) {
                // The record stays "encoding" on disk: the next start treats it as interrupted and runs it again.
                LOG.warn("video {}: could not return it to the queue on disk ({})", id, e.toString());
            }
        }

        private void fail(String reason) {
            try {
                catalog.update(id, r -> r.failed(reason, clock.instant()));
            } catch (IOException e) {
                LOG.error("video {}: could not record the failure ({})", id, e.toString());
            }
            LOG.warn("video {} encoding → failed: {}", id, reason);
        }

        /** Runs on the encoding thread for every progress step; the disk sees a fraction of them. */
        private void progress(double value) {
            long now = System.nanoTime();
            boolean persist = now - lastPersistNanos >= PERSIST_INTERVAL_NANOS || value - lastPersisted >= PERSIST_STEP;
            if (persist) {
                try {
                    catalog.update(id, r -> r.progressed(value, clock.instant()));
                    lastPersistNanos = now;
                    lastPersisted = value;
                    return;
                } catch (IOException e) {
                    LOG.warn("video {}: could not persist progress ({})", id, e.toString());
                }
            }
            catalog.updateInMemory(id, r -> r.progressed(value, clock.instant()));
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long folderBytes(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
