package io.streamcdn.origin.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.function.LongConsumer;

/**
 * A request body (or one multipart file) on its way to disk, counted as it flows. When the count passes
 * the limit the stream fails with {@link TooLarge} and drops everything after, so a pipe into a file
 * stops there. Flow control is the source's: pause, resume and fetch pass straight through.
 *
 * <p>It also remembers whether the failure came from the source (the client went away) rather than from
 * the destination, which the pipe does not say.
 */
final class CappedStream implements ReadStream<Buffer> {

    /** The body passed the limit; {@code received} is how far it got. */
    static final class TooLarge extends RuntimeException {
        final long received;

        TooLarge(long received, long limit) {
            super("the body passed the limit of " + limit + " bytes", null, false, false);
            this.received = received;
        }
    }

    private final ReadStream<Buffer> source;
    private final long limit;
    private final LongConsumer onBytes;
    private long bytes;
    private boolean tooLarge;
    private boolean sourceFailed;
    private Handler<Throwable> exceptionHandler;

    CappedStream(ReadStream<Buffer> source, long limit, LongConsumer onBytes) {
        this.source = source;
        this.limit = limit;
        this.onBytes = onBytes;
    }

    long bytes() {
        return bytes;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    /** True when the source itself failed (connection closed or reset mid-body). */
    boolean sourceFailed() {
        return sourceFailed;
    }

    @Override
    public CappedStream handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(chunk -> {
            if (tooLarge) {
                return;
            }
            bytes += chunk.length();
            onBytes.accept(chunk.length());
            if (bytes > limit) {
                tooLarge = true;
                Handler<Throwable> failed = exceptionHandler;
                if (failed != null) {
                    failed.handle(new TooLarge(bytes, limit));
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public CappedStream exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        source.exceptionHandler(handler == null ? null : error -> {
            sourceFailed = true;
            handler.handle(error);
        });
        return this;
    }

    @Override
    public CappedStream endHandler(Handler<Void> handler) {
        source.endHandler(handler);
        return this;
    }

    @Override
    public CappedStream pause() {
        source.pause();
        return this;
    }

    @Override
    public CappedStream resume() {
        source.resume();
        return this;
    }

    @Override
    public CappedStream fetch(long amount) {
        source.fetch(amount);
        return this;
    }
}
