package io.streamcdn.edge.proxy;

import io.streamcdn.edge.cache.CacheEntry;
import io.streamcdn.edge.cache.CachedResponse;
import io.streamcdn.edge.cache.DiskCache;
import io.streamcdn.edge.cache.Freshness;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One upstream exchange for one cache key, shared by every viewer who needs that object meanwhile
 * (request coalescing). The body is written to a temporary file as it arrives; viewers read that file
 * at their own pace up to the bytes already written (read-while-write), so one slow viewer never holds up
 * the download or the others, and memory stays bounded whatever the object's size.
 * <p>
 * When the body is complete and its length checks, the file becomes a cache entry (if the response may be
 * stored); if the upstream breaks off, every viewer's response is aborted and nothing is stored.
 * <p>
 * When the disk fails (full, or failing: the file cannot be created or a write fails), the viewers already
 * reading are still sent the whole body: from the failure on, the fill keeps the rest in memory, each chunk
 * only until every viewer has read past it, and the upstream is paused while the slowest viewer is more
 * than {@value #MAX_PENDING_BYTES} bytes behind, so memory stays bounded. Such a fill takes no new viewers
 * (they start a fill of their own: the bytes before the failure are not in memory), stores nothing, and
 * stops fetching when its last viewer leaves. Each failure is counted and logged by {@link CacheWriteFailures}.
 * <p>
 * Threads: the upstream response's callbacks run on the context that started the fill; file writes and
 * reads complete on the JDK's asynchronous-channel threads; viewers are woken on their own contexts. The
 * state viewers read ({@link #written()}, {@link #state()}) is volatile; the write queue is guarded by
 * {@code this}.
 */
public final class Fill {

    private static final Logger LOG = LoggerFactory.getLogger(Fill.class);
    /** Upstream reading pauses when this many bytes wait to be written, and resumes below a quarter of it. */
    private static final long MAX_PENDING_BYTES = 4L << 20;

    /** How far the body has got. */
    public enum State {
        WAITING, STREAMING, COMPLETE, BROKEN
    }

    /** What a fill needs from the edge: its cache, upstream, metrics and limits. */
    public record Setup(Vertx vertx, DiskCache cache, Upstream upstream, ProxyMetrics metrics, Clock clock,
                        Duration defaultStaleIfError, long maxObjectBytes, CacheWriteFailures writeFailures) {
    }

    private final Setup setup;
    private final String key;
    private final CacheEntry revalidating;
    private final boolean prefetch;
    private final Runnable onFinished;
    private final CompletableFuture<FillOutcome> outcome = new CompletableFuture<>();
    private final CompletableFuture<Boolean> done = new CompletableFuture<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    private volatile State state = State.WAITING;
    private volatile long written;
    private volatile boolean doNotStore;
    /** The disk failed: the rest of the body is held in memory for the viewers reading it. */
    private volatile boolean inMemory;

    // Guarded by this.
    private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean writing;
    private boolean upstreamEnded;
    private boolean paused;
    private int readers;
    private boolean unregistered;
    private boolean closed;
    /** In memory mode: bytes [0, fileBytes) are in the file, [spilledFrom, written) in {@link #spilled}. */
    private long fileBytes;
    private long spilledFrom;
    private final ArrayDeque<Buffer> spilled = new ArrayDeque<>();
    /** Each started viewer's next byte, so memory-held chunks go once every viewer has read past them. */
    private final Map<Object, Long> cursors = new HashMap<>();

    private Context context;
    private HttpClientResponse response;
    private AsynchronousFileChannel channel;
    private Path temp;
    private FillOutcome.Streaming head;

    /**
     * @param revalidating  the stale entry to revalidate (its validators are sent), or null for a plain miss
     * @param onFinished    called once when the fill no longer takes new viewers (stored, refused or broken)
     */
    Fill(Setup setup, String key, CacheEntry revalidating, boolean prefetch, Runnable onFinished) {
        this.setup = setup;
        this.key = key;
        this.revalidating = revalidating;
        this.prefetch = prefetch;
        this.onFinished = onFinished;
    }

    public String key() {
        return key;
    }

    /** Completes once, when the upstream's response headers arrived or the exchange failed. */
    public CompletableFuture<FillOutcome> outcome() {
        return outcome;
    }

    /** Completes once, when the fill takes no more viewers: true when the body was stored in the cache. */
    public CompletableFuture<Boolean> done() {
        return done;
    }

    public State state() {
        return state;
    }

    /** Bytes of the body already in the file, readable by {@link #read}. */
    public long written() {
        return written;
    }

    /** Keeps the body from being stored when it completes: its video was purged meanwhile. */
    void doNotStore() {
        doNotStore = true;
    }

    /**
     * Registers a viewer; false when the fill has already let go of its file (look in the cache instead) or
     * holds its body in memory from some point on (start another fill).
     */
    synchronized boolean addReader() {
        if (closed || inMemory) {
            return false;
        }
        readers++;
        return true;
    }

    /** A viewer is done with the fill (whole, aborted, or gone). */
    void removeReader() {
        boolean close;
        boolean resume;
        boolean abandon;
        synchronized (this) {
            readers--;
            // Until the fill is unregistered (stored, or given up) a new viewer may still join it.
            close = readers == 0 && unregistered && !closed;
            if (close) {
                closed = true;
            }
            abandon = inMemory && readers == 0 && state == State.STREAMING;
            resume = releaseSpilled();
        }
        if (close) {
            closeChannel();
        }
        if (abandon) {
            context.runOnContext(ignored -> abandon("every viewer left while the body was held in memory"));
        } else if (resume) {
            context.runOnContext(ignored -> response.resume());
        }
    }

    /** A viewer starts reading at {@code position}. */
    synchronized void track(Object reader, long position) {
        cursors.put(reader, position);
    }

    /** A viewer has read up to {@code position}: memory-held chunks before every viewer's position can go. */
    void advanced(Object reader, long position) {
        boolean resume;
        synchronized (this) {
            cursors.put(reader, position);
            resume = releaseSpilled();
        }
        if (resume) {
            context.runOnContext(ignored -> response.resume());
        }
    }

    /** A viewer stopped reading (done or gone); {@link #removeReader} follows. */
    synchronized void untrack(Object reader) {
        cursors.remove(reader);
    }

    /**
     * Drops the memory-held chunks every viewer has read past; true when the upstream, paused for memory,
     * may resume. Holding the lock. Nothing goes while a viewer that joined has not started reading.
     */
    private boolean releaseSpilled() {
        if (!inMemory) {
            return false;
        }
        if (readers == 0) {
            spilled.clear();
            spilledFrom = written;
        } else if (cursors.size() >= readers) {
            long slowest = cursors.values().stream().mapToLong(Long::longValue).min().orElse(written);
            while (!spilled.isEmpty() && spilledFrom + spilled.peek().length() <= slowest) {
                spilledFrom += spilled.poll().length();
            }
        }
        if (paused && written - spilledFrom < MAX_PENDING_BYTES / 4) {
            paused = false;
            return true;
        }
        return false;
    }

    /** Calls {@code wake} (from any thread) whenever more bytes are readable or the body completes or breaks. */
    void onProgress(Runnable wake) {
        listeners.add(wake);
    }

    void removeProgressListener(Runnable wake) {
        listeners.remove(wake);
    }

    /**
     * Reads up to {@code max} bytes at {@code position} into a buffer's array from its start; the handler runs
     * on an I/O thread, or on the caller's when the bytes are held in memory.
     */
    void read(long position, int max, CompletionHandler<Integer, ByteBuffer> handler) {
        if (inMemory) {
            ByteBuffer copy;
            synchronized (this) {
                copy = position >= fileBytes ? copySpilled(position, max) : null;
                if (copy == null && position >= fileBytes) {
                    handler.failed(new IOException("bytes from " + position + " of " + key
                            + " are no longer held in memory"), null);
                    return;
                }
            }
            if (copy != null) {
                handler.completed(copy.position(), copy);
                return;
            }
        }
        ByteBuffer target = ByteBuffer.allocate(max);
        channel.read(target, position, target, handler);
    }

    /** Up to {@code max} memory-held bytes from {@code position}; null when they were released. Holding the lock. */
    private ByteBuffer copySpilled(long position, int max) {
        if (position < spilledFrom) {
            return null;
        }
        ByteBuffer copy = ByteBuffer.allocate((int) Math.min(max, Math.max(0, written - position)));
        long offset = spilledFrom;
        for (Buffer chunk : spilled) {
            long chunkEnd = offset + chunk.length();
            if (position < chunkEnd && copy.hasRemaining()) {
                int from = (int) Math.max(0, position - offset);
                int count = Math.min(copy.remaining(), chunk.length() - from);
                copy.put(chunk.getBytes(from, from + count));
                position += count;
            }
            offset = chunkEnd;
        }
        return copy;
    }

    /** Starts the upstream request, on the current context. */
    void start(Map<String, String> requestHeaders) {
        context = setup.vertx().getOrCreateContext();
        long startNanos = System.nanoTime();
        setup.upstream().get(key, requestHeaders).onComplete(result -> {
            long latency = System.nanoTime() - startNanos;
            if (result.failed()) {
                Upstream.Failure failure = Upstream.failureOf(result.cause());
                setup.metrics().upstreamFailed(failure, latency);
                fail(failure == Upstream.Failure.TIMEOUT
                        ? new FillOutcome.Failed(504, "upstream_timeout", "the upstream " + setup.upstream().primary()
                        + " did not answer in time")
                        : new FillOutcome.Failed(502, "upstream_unreachable", "the upstream "
                        + setup.upstream().primary() + " could not be reached: " + result.cause().getMessage()));
                return;
            }
            HttpClientResponse upstream = result.result();
            setup.metrics().upstreamAnswered(upstream.statusCode(), latency);
            onResponse(upstream);
        });
    }

    private void onResponse(HttpClientResponse upstream) {
        int status = upstream.statusCode();
        if (status >= 500) {
            upstream.exceptionHandler(ignored -> { });
            upstream.end(); // drain the small error body so the connection can be reused
            fail(new FillOutcome.Failed(502, "upstream_error", "the upstream " + setup.upstream().primary()
                    + " answered " + status + (upstream.statusMessage() == null ? "" : " " + upstream.statusMessage())));
            return;
        }
        List<Map.Entry<String, String>> headers = EndToEndHeaders.of(upstream.headers());
        if (status == 304 && revalidating != null) {
            upstream.exceptionHandler(ignored -> { });
            upstream.end();
            refresh(headers);
            return;
        }
        if (revalidating != null && (status == 404 || status == 410)) {
            setup.cache().remove(revalidating); // deleted upstream: stop serving it
        }
        long length = contentLength(upstream.getHeader("Content-Length"));
        Freshness freshness = Freshness.of(status, freshnessHeaders(headers, upstream.getHeader("Date"),
                upstream.getHeader("Age")), setup.defaultStaleIfError());
        head = new FillOutcome.Streaming(status, headers, length, freshness);
        response = upstream;
        upstream.pause();
        // The upstream may break off while the file is being created: remember it, and give up below.
        Throwable[] brokenEarly = {null};
        upstream.exceptionHandler(error -> brokenEarly[0] = error);
        temp = setup.cache().newTempFile();
        setup.vertx().executeBlocking(() -> AsynchronousFileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE), false).onComplete(opened -> {
            if (opened.failed()) {
                setup.writeFailures().record(key, opened.cause());
                if (!holdInMemory(0)) {
                    upstream.request().reset();
                    fail(new FillOutcome.Failed(502, "cache_write_failed", "the edge could not write its cache: "
                            + opened.cause().getMessage()));
                    return;
                }
            } else {
                channel = opened.result();
            }
            try {
                if (brokenEarly[0] != null) {
                    throw new IllegalStateException(brokenEarly[0].getMessage(), brokenEarly[0]);
                }
                upstream.handler(this::onData);
                upstream.endHandler(ignored -> onUpstreamEnd());
                upstream.exceptionHandler(this::onUpstreamError);
            } catch (IllegalStateException ended) {
                setup.metrics().upstreamBroken();
                LOG.warn("fill of {} failed: the upstream broke off before the body: {}", key, ended.getMessage());
                deleteTemp();
                fail(new FillOutcome.Failed(502, "upstream_broken", "the upstream " + setup.upstream().primary()
                        + " broke off the response before its body"));
                return;
            }
            state = State.STREAMING;
            outcome.complete(head);
            upstream.resume();
        });
    }

    private void refresh(List<Map.Entry<String, String>> notModifiedHeaders) {
        CachedResponse old = revalidating.response();
        long now = setup.clock().millis();
        // Freshness comes from the stored headers updated with the 304's (RFC 9111 §4.3.4).
        CachedResponse merged = old.refreshed(notModifiedHeaders, now, old.freshness());
        Freshness freshness = Freshness.of(200, freshnessHeaders(merged.headers(),
                EndToEndHeaders.get(notModifiedHeaders, "Date"), EndToEndHeaders.get(notModifiedHeaders, "Age")),
                setup.defaultStaleIfError());
        CachedResponse refreshed = old.refreshed(notModifiedHeaders, now, freshness);
        setup.vertx().executeBlocking(() -> {
            setup.cache().refresh(revalidating, refreshed);
            return null;
        }, false).onComplete(done -> {
            if (done.failed()) {
                setup.writeFailures().record(key, done.cause());
            }
            state = State.COMPLETE;
            finished(false);
            outcome.complete(new FillOutcome.NotModified(revalidating));
        });
    }

    private void onData(Buffer data) {
        boolean memory;
        synchronized (this) {
            // Decided under the lock: a write failing on an I/O thread switches to memory under it too.
            memory = inMemory;
            if (memory) {
                if (readers == 0) {
                    return; // being abandoned: nobody needs these bytes
                }
                spilled.add(data);
                written += data.length();
                if (!paused && written - spilledFrom > MAX_PENDING_BYTES) {
                    paused = true;
                    response.pause();
                }
            } else {
                pending.add(data);
                pendingBytes += data.length();
                if (!paused && pendingBytes > MAX_PENDING_BYTES) {
                    paused = true;
                    response.pause();
                }
                if (!writing) {
                    writeNext();
                }
            }
        }
        if (memory) {
            wake();
        }
    }

    /** Writes the next queued buffer, if any; called holding the lock. */
    private void writeNext() {
        Buffer next = pending.poll();
        if (next == null) {
            writing = false;
            if (upstreamEnded) {
                context.runOnContext(ignored -> finishBody());
            }
            return;
        }
        writing = true;
        ByteBuffer bytes = ByteBuffer.wrap(next.getBytes());
        writeAt(bytes, written);
    }

    private void writeAt(ByteBuffer bytes, long position) {
        channel.write(bytes, position, bytes, new CompletionHandler<>() {
            @Override
            public void completed(Integer count, ByteBuffer source) {
                if (source.hasRemaining()) {
                    writeAt(source, position + count);
                    return;
                }
                boolean resume;
                synchronized (Fill.this) {
                    written += source.limit();
                    pendingBytes -= source.limit();
                    resume = paused && pendingBytes < MAX_PENDING_BYTES / 4;
                    if (resume) {
                        paused = false;
                    }
                    writeNext();
                }
                if (resume) {
                    context.runOnContext(ignored -> response.resume());
                }
                wake();
            }

            @Override
            public void failed(Throwable error, ByteBuffer source) {
                setup.writeFailures().record(key, error);
                boolean finish;
                boolean pause = false;
                synchronized (Fill.this) {
                    // The buffer being written goes to memory whole (a short write may have put part of it in
                    // the file: those bytes are ignored), with every one still waiting.
                    long confirmed = written;
                    if (!holdInMemory(confirmed)) {
                        context.runOnContext(ignored -> {
                            response.request().reset();
                            abandon("the edge could not write its cache and nobody is reading: " + error.getMessage());
                        });
                        return;
                    }
                    spilled.add(Buffer.buffer(source.array()));
                    spilled.addAll(pending);
                    written = confirmed + pendingBytes; // pendingBytes counts the buffer being written too
                    pending.clear();
                    pendingBytes = 0;
                    writing = false;
                    finish = upstreamEnded;
                    if (!paused && written - spilledFrom > MAX_PENDING_BYTES) {
                        paused = true;
                        pause = true;
                    }
                }
                boolean pauseNow = pause;
                context.runOnContext(ignored -> {
                    if (pauseNow) {
                        response.pause();
                    }
                    if (finish) {
                        finishBody();
                    }
                });
                wake();
            }
        });
    }

    private void onUpstreamEnd() {
        synchronized (this) {
            upstreamEnded = true;
            if (writing || !pending.isEmpty()) {
                return; // writeNext finishes once the queue is empty
            }
        }
        finishBody();
    }

    private void onUpstreamError(Throwable error) {
        if (state == State.STREAMING) {
            setup.metrics().upstreamBroken();
            broken("the upstream broke off the body after " + written + " bytes: " + error.getMessage());
        }
    }

    /**
     * Switches to holding the body in memory from {@code fromByte} on, when viewers are reading; false (and
     * nothing changes) when none is. Stops taking new viewers. Holding the lock or on the fill's context.
     */
    private boolean holdInMemory(long fromByte) {
        synchronized (this) {
            if (readers == 0) {
                return false;
            }
            if (inMemory) {
                return true;
            }
            inMemory = true;
            fileBytes = fromByte;
            spilledFrom = fromByte;
        }
        onFinished.run(); // new viewers start a fill of their own
        return true;
    }

    /** On the fill's context, once every byte the upstream sent is in the file (or memory). */
    private void finishBody() {
        if (state != State.STREAMING) {
            return;
        }
        long length = written;
        if (head.length() >= 0 && length != head.length()) {
            broken("the upstream sent " + length + " of " + head.length() + " bytes");
            return;
        }
        setup.metrics().upstreamBytes(length);
        state = State.COMPLETE;
        wake();
        boolean store = head.freshness().storable() && !doNotStore && !inMemory && length <= setup.maxObjectBytes();
        if (!store) {
            LOG.debug("not storing {} ({} bytes, status {}, {})", key, length, head.status(), head.freshness());
            finished(false);
            deleteTemp();
            return;
        }
        CachedResponse cached = new CachedResponse(key, head.headers(), length, setup.clock().millis(),
                head.freshness());
        setup.vertx().executeBlocking(() -> setup.cache().commit(cached, temp, prefetch), false)
                .onComplete(committed -> {
                    if (committed.failed()) {
                        setup.writeFailures().record(key, committed.cause());
                        deleteTemp();
                    } else {
                        setup.metrics().stored(length);
                    }
                    finished(committed.succeeded());
                });
    }

    private void broken(String reason) {
        if (state == State.BROKEN || state == State.COMPLETE) {
            return;
        }
        LOG.warn("fill of {} failed: {}", key, reason);
        state = State.BROKEN;
        wake();
        finished(false);
        deleteTemp();
    }

    /** Gives up a fill nobody reads any more, quietly: the reason was counted and logged where it arose. */
    private void abandon(String reason) {
        if (state == State.BROKEN || state == State.COMPLETE) {
            return;
        }
        LOG.debug("fill of {} abandoned: {}", key, reason);
        if (response != null) {
            response.request().reset();
        }
        state = State.BROKEN;
        wake();
        finished(false);
        deleteTemp();
    }

    private void fail(FillOutcome.Failed failed) {
        state = State.BROKEN;
        finished(false);
        outcome.complete(failed);
    }

    /** No new viewers from now on; the file closes when the last current one lets go. */
    private void finished(boolean stored) {
        onFinished.run();
        done.complete(stored);
        boolean close;
        synchronized (this) {
            unregistered = true;
            close = readers == 0 && !closed;
            if (close) {
                closed = true;
            }
        }
        if (close) {
            closeChannel();
        }
    }

    private void wake() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    private void closeChannel() {
        AsynchronousFileChannel open = channel;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", temp, e.toString());
            }
        }
    }

    private void deleteTemp() {
        Path file = temp;
        if (file != null) {
            setup.vertx().executeBlocking(() -> Files.deleteIfExists(file), false);
        }
    }

    private static long contentLength(String header) {
        if (header == null || !header.strip().matches("\\d{1,18}")) {
            return -1;
        }
        return Long.parseLong(header.strip());
    }

    private static Freshness.Headers freshnessHeaders(List<Map.Entry<String, String>> headers, String date,
                                                      String age) {
        return new Freshness.Headers(EndToEndHeaders.get(headers, "Cache-Control"),
                EndToEndHeaders.get(headers, "Expires"), date, EndToEndHeaders.get(headers, "Last-Modified"), age,
                EndToEndHeaders.get(headers, "ETag"));
    }
}
