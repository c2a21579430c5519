package io.streamcdn.edge.proxy;

import io.streamcdn.common.http.WholeBody;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * Sends one viewer a byte range of a body that a {@link Fill} is still downloading: reads the fill's file
 * up to what has been written, waits to be woken when more arrives, and honours the viewer's
 * back-pressure (a slow viewer only slows itself). If the upstream breaks off, the response is reset, so
 * the viewer sees a failed transfer, never a short body that looks whole.
 * <p>
 * Runs on the viewer's context; the file reads complete on I/O threads and hop back to it.
 */
final class FillReader {

    private static final int CHUNK = 256 * 1024;

    private final Context context;
    private final Fill fill;
    private final HttpServerResponse response;
    private final long end;
    private final LongConsumer onDone;
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    private final Runnable wake;
    private long position;
    private long sent;
    /** The body's last write so far: the response ends once it has reached the socket (see {@link WholeBody}). */
    private Future<Void> lastWrite;
    private boolean reading;
    private boolean finished;

    /**
     * @param from    first byte to send
     * @param to      one past the last byte, or {@link Long#MAX_VALUE} to send until the body ends
     * @param onDone  called once with the bytes sent, whether the response completed or was cut
     */
    FillReader(Context context, Fill fill, HttpServerResponse response, long from, long to, LongConsumer onDone) {
        this.context = context;
        this.fill = fill;
        this.response = response;
        this.position = from;
        this.end = to;
        this.onDone = onDone;
        this.wake = () -> {
            if (wakeScheduled.compareAndSet(false, true)) {
                context.runOnContext(ignored -> {
                    wakeScheduled.set(false);
                    pump();
                });
            }
        };
    }

    void start() {
        fill.track(this, position);
        fill.onProgress(wake);
        response.closeHandler(ignored -> stop(false));
        pump();
    }

    private void pump() {
        if (finished || reading) {
            return;
        }
        if (response.writeQueueFull()) {
            response.drainHandler(ignored -> pump());
            return;
        }
        long written = fill.written();
        Fill.State state = fill.state();
        long limit = Math.min(end, written);
        if (position < limit) {
            reading = true;
            int count = (int) Math.min(CHUNK, limit - position);
            fill.read(position, count, new CompletionHandler<>() {
                @Override
                public void completed(Integer read, ByteBuffer bytes) {
                    context.runOnContext(ignored -> onRead(read, bytes));
                }

                @Override
                public void failed(Throwable error, ByteBuffer bytes) {
                    context.runOnContext(ignored -> {
                        reading = false;
                        stop(false);
                    });
                }
            });
        } else if (position >= end || state == Fill.State.COMPLETE && position >= fill.written()) {
            stop(true);
        } else if (state == Fill.State.BROKEN) {
            stop(false);
        }
        // else: wait for the fill to wake us
    }

    private void onRead(int read, ByteBuffer bytes) {
        reading = false;
        if (finished) {
            return;
        }
        if (read <= 0) {
            stop(false);
            return;
        }
        lastWrite = response.write(Buffer.buffer().appendBytes(bytes.array(), 0, read));
        position += read;
        sent += read;
        fill.advanced(this, position);
        pump();
    }

    private void stop(boolean complete) {
        if (finished) {
            return;
        }
        finished = true;
        fill.untrack(this);
        fill.removeProgressListener(wake);
        if (complete) {
            WholeBody.endAfter(response, lastWrite);
        } else if (!response.closed() && !response.ended()) {
            response.reset();
        }
        onDone.accept(sent);
    }
}
