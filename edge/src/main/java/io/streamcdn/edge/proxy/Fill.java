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
                        Duration defaultStaleIfError, long maxObjectBytes) {
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

    // Guarded by this.
    private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean writing;
    private boolean upstreamEnded;
    private boolean paused;
    private int readers;
    private boolean unregistered;
    private boolean closed;

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

    /** Registers a viewer; false when the fill has already let go of its file (look in the cache instead). */
    synchronized boolean addReader() {
        if (closed) {
            return false;
        }
        readers++;
        return true;
    }

    /** A viewer is done with the fill (whole, aborted, or gone). */
    void removeReader() {
        boolean close;
        synchronized (this) {
            readers--;
            // Until the fill is unregistered (stored, or given up) a new viewer may still join it.
            close = readers == 0 && unregistered && !closed;
            if (close) {
                closed = true;
            }
        }
        if (close) {
            closeChannel();
        }
    }

    /** Calls {@code wake} (from any thread) whenever more bytes are readable or the body completes or breaks. */
    void onProgress(Runnable wake) {
        listeners.add(wake);
    }

    void removeProgressListener(Runnable wake) {
        listeners.remove(wake);
    }

    /** Reads up to {@code max} bytes at {@code position}; the handler runs on an I/O thread. */
    void read(long position, int max, CompletionHandler<Integer, ByteBuffer> handler) {
        ByteBuffer target = ByteBuffer.allocate(max);
        channel.read(target, position, target, handler);
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
                LOG.error("cannot create {} for {}: {}", temp, key, opened.cause().toString());
                upstream.request().reset();
                fail(new FillOutcome.Failed(502, "cache_write_failed", "the edge could not write its cache: "
                        + opened.cause().getMessage()));
                return;
            }
            channel = opened.result();
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
                LOG.warn("could not record the revalidation of {}: {}", key, done.cause().toString());
            }
            state = State.COMPLETE;
            finished(false);
            outcome.complete(new FillOutcome.NotModified(revalidating));
        });
    }

    private void onData(Buffer data) {
        synchronized (this) {
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
                LOG.error("writing {} to {} failed: {}", key, temp, error.toString());
                context.runOnContext(ignored -> {
                    response.request().reset();
                    broken("the edge could not write its cache: " + error.getMessage());
                });
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

    /** On the fill's context, once every byte the upstream sent is in the file. */
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
        boolean store = head.freshness().storable() && !doNotStore && length <= setup.maxObjectBytes();
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
                        LOG.error("could not store {} in the cache: {}", key, committed.cause().toString());
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
