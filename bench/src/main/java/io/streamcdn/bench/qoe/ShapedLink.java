package io.streamcdn.bench.qoe;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One bottleneck link whose bandwidth follows a {@link BandwidthTrace}, shared by the responses crossing it
 * at the same time, as one access link is shared by a player's video and audio downloads.
 * <p>
 * Every response is a {@link Flow}: a queue of body bytes that arrived from upstream and a {@link Sink}
 * towards the viewer. On each {@link #tick} the link works out how many bytes the trace allowed since the
 * previous tick (an exact integral, so tick jitter changes burst sizes, never the rate) and hands them out
 * in equal shares to the flows that have bytes queued and a sink that accepts writes, re-sharing what a
 * flow with less queued could not use (max-min fairness, what competing TCP flows converge to). Bytes
 * allowed while no flow could send are lost, as a real link's idle capacity is: a player that pauses
 * between downloads does not bank bandwidth for a burst later.
 * <p>
 * Back-pressure both ways: a flow whose queue passes {@link #HIGH_WATER_BYTES} tells its producer to
 * pause, and resumes it below {@link #LOW_WATER_BYTES}; a sink whose write queue is full gets nothing
 * until it drains. Not thread-safe: the proxy confines a link to one event loop.
 */
final class ShapedLink {

    static final int HIGH_WATER_BYTES = 256 * 1024;
    static final int LOW_WATER_BYTES = 64 * 1024;

    /** Where a flow's shaped bytes go: the viewer's response. */
    interface Sink {
        /** False while the sink's own write queue is full. */
        boolean writable();

        void write(Buffer chunk);

        /** All of the body has been written. */
        void end();
    }

    private final Set<Flow> flows = new LinkedHashSet<>();
    private BandwidthTrace trace;
    private long startNanos;
    private double lastSeconds;
    private double allowance;
    private long bytesSent;

    ShapedLink(BandwidthTrace trace, long nowNanos) {
        follow(trace, nowNanos);
    }

    /** From now on the link follows {@code trace} from its start. */
    void follow(BandwidthTrace trace, long nowNanos) {
        this.trace = trace;
        this.startNanos = nowNanos;
        this.lastSeconds = 0;
        this.allowance = 0;
    }

    BandwidthTrace trace() {
        return trace;
    }

    /** Body bytes the link has delivered to sinks since it was made. */
    long bytesSent() {
        return bytesSent;
    }

    int activeFlows() {
        return flows.size();
    }

    /** A new flow towards {@code sink}; {@code pause} and {@code resume} steer its producer. */
    Flow open(Sink sink, Runnable pause, Runnable resume) {
        Flow flow = new Flow(sink, pause, resume);
        flows.add(flow);
        return flow;
    }

    /** Hands out the bytes the trace allowed up to {@code nowNanos}. */
    void tick(long nowNanos) {
        double seconds = (nowNanos - startNanos) / 1e9;
        if (seconds > lastSeconds) {
            allowance += trace.bitsBetween(lastSeconds, seconds) / 8;
            lastSeconds = seconds;
        }
        List<Flow> ready = new ArrayList<>();
        for (Flow flow : flows) {
            if (flow.queued > 0 && flow.sink.writable()) {
                ready.add(flow);
            }
        }
        if (!shareOut(ready)) {
            allowance = 0; // every flow that could send has sent all it had: the rest of the capacity idles
        }
        List<Flow> finished = new ArrayList<>();
        for (Flow flow : flows) {
            if (flow.ended && flow.queued == 0) {
                finished.add(flow);
            }
        }
        for (Flow flow : finished) {
            flows.remove(flow);
            flow.sink.end();
        }
    }

    /** Equal shares of the allowance, re-sharing what short flows leave; true if some flow still has bytes. */
    private boolean shareOut(List<Flow> ready) {
        while (!ready.isEmpty()) {
            long share = (long) Math.floor(allowance / ready.size());
            if (share == 0) {
                return true; // less than a byte each: the fraction waits for the next tick
            }
            for (int i = ready.size() - 1; i >= 0; i--) {
                Flow flow = ready.get(i);
                allowance -= flow.send(share);
                if (flow.queued == 0) {
                    ready.remove(i);
                }
            }
        }
        return false;
    }

    /** One response crossing the link. */
    final class Flow {
        private final Sink sink;
        private final Runnable pause;
        private final Runnable resume;
        private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
        private long queued;
        private boolean paused;
        private boolean ended;

        private Flow(Sink sink, Runnable pause, Runnable resume) {
            this.sink = sink;
            this.pause = pause;
            this.resume = resume;
        }

        /** Body bytes from upstream, to be sent at the link's pace. */
        void offer(Buffer chunk) {
            if (chunk.length() == 0 || !flows.contains(this)) {
                return;
            }
            chunks.add(chunk);
            queued += chunk.length();
            if (!paused && queued > HIGH_WATER_BYTES) {
                paused = true;
                pause.run();
            }
        }

        /** Upstream has sent everything; the sink is ended once the queue has crossed the link. */
        void end() {
            ended = true;
            if (queued == 0 && flows.remove(this)) {
                sink.end();
            }
        }

        /** The viewer went away: drop what is queued and never write again. */
        void cancel() {
            flows.remove(this);
            chunks.clear();
            queued = 0;
        }

        long queuedBytes() {
            return queued;
        }

        private long send(long budget) {
            long sent = 0;
            while (sent < budget && !chunks.isEmpty()) {
                Buffer head = chunks.poll();
                int take = (int) Math.min(head.length(), budget - sent);
                if (take < head.length()) {
                    chunks.addFirst(head.getBuffer(take, head.length()));
                    head = head.getBuffer(0, take);
                }
                sink.write(head);
                sent += take;
            }
            queued -= sent;
            bytesSent += sent;
            if (paused && queued < LOW_WATER_BYTES) {
                paused = false;
                resume.run();
            }
            return sent;
        }
    }
}
