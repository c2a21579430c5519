package io.streamcdn.bench;

import org.HdrHistogram.Histogram;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate (open-loop) HTTP/1.1 load generator, for latency at a given request rate, which wrk (closed
 * loop: each connection sends its next request when the last answer arrives) cannot measure.
 * <p>
 * Design, after wrk2: the run has a schedule, request {@code s} due at {@code start + s / rate}; connection
 * {@code j} of {@code n} sends the requests {@code j, j + n, j + 2n, ...}, one at a time (keep-alive, no
 * pipelining), each on a platform thread of its own that sleeps until the next request is due and then
 * blocks reading the answer (so an answer is timed when it arrives, not when a poll loop comes round).
 * The schedule never slips: when an answer comes late, the following requests on that connection go out
 * behind it, late, and their latency counts from when they were <em>due</em> — the time a viewer would have
 * waited. That is the correction for coordinated omission; without it a server that stalls is measured
 * mostly by the requests it was not sent while stalling.
 * <p>
 * What is not charged to the server: a request due while its connection was idle counts from the moment it
 * was actually written, so the generator's own wake-up delay (tens of microseconds of timer slack, more when
 * the two cores are busy) is not added. Both views are kept: {@link Result#latency()} (the corrected one,
 * the headline), {@link Result#fromDue()} (everything from the due time, generator delays included) and
 * {@link Result#service()} (write to last byte, the uncorrected view).
 */
final class OpenLoopLoad {

    /** Values above this (60 s) are recorded as this; nothing sane comes near. */
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** One run: counts and three views of latency, in nanoseconds. */
    record Result(double targetRate, double measuredSeconds, long responses, long redirects, long others,
                  long badLocations, long errors, long behindAtEnd, Histogram latency, Histogram fromDue,
                  Histogram service) {

        double achievedRate() {
            return responses / measuredSeconds;
        }

        double latencyMs(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%7.0f req/s (of %.0f)  p50 %6.3f ms  p99 %6.3f ms  p99.9 %6.3f ms  max %7.3f ms"
                            + "  [from due: p99 %.3f ms; service: p99 %.3f ms]  302 %d, other %d, bad Location %d, errors %d",
                    achievedRate(), targetRate, latencyMs(50), latencyMs(99), latencyMs(99.9), latency.getMaxValue() / 1e6,
                    fromDue.getValueAtPercentile(99) / 1e6, service.getValueAtPercentile(99) / 1e6,
                    redirects, others, badLocations, errors);
        }
    }

    private OpenLoopLoad() {
    }

    /**
     * Sends {@code workload}'s requests to 127.0.0.1:{@code port} at {@code rate} per second over
     * {@code connections} connections for {@code warmupSeconds + seconds}; records the last {@code seconds}.
     */
    static Result run(int port, RedirectWorkload workload, double rate, int connections, int warmupSeconds, int seconds)
            throws InterruptedException {
        String host = "127.0.0.1:" + port;
        byte[][] requests = new byte[workload.size()][];
        String[] paths = new String[workload.size()];
        for (int k = 0; k < requests.length; k++) {
            requests[k] = workload.request(k, host);
            paths[k] = workload.path(k);
        }
        long interval = Math.round(1e9 / rate);
        // Connections open first; the schedule starts once all are up.
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        List<Connection> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int j = 0; j < connections; j++) {
            Connection connection = new Connection(new InetSocketAddress("127.0.0.1", port), requests, paths, j,
                    connections, start, interval, measureFrom, end);
            all.add(connection);
            Thread thread = new Thread(connection, "open-loop-" + j);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram latency = histogram();
        Histogram fromDue = histogram();
        Histogram service = histogram();
        long redirects = 0;
        long others = 0;
        long bad = 0;
        long errors = 0;
        long behind = 0;
        for (Connection c : all) {
            latency.add(c.latency);
            fromDue.add(c.fromDue);
            service.add(c.service);
            redirects += c.redirects;
            others += c.others;
            bad += c.badLocations;
            errors += c.error == null ? 0 : 1;
            behind += c.behindAtEnd;
        }
        return new Result(rate, seconds, latency.getTotalCount(), redirects, others, bad, errors, behind, latency,
                fromDue, service);
    }

    private static Histogram histogram() {
        return new Histogram(HIGHEST_NANOS, 3);
    }

    /** One keep-alive connection and its share of the schedule. */
    private static final class Connection implements Runnable {

        private final InetSocketAddress address;
        private final byte[][] requests;
        private final String[] paths;
        private final int first;
        private final int step;
        private final long start;
        private final long interval;
        private final long measureFrom;
        private final long end;
        final Histogram latency = histogram();
        final Histogram fromDue = histogram();
        final Histogram service = histogram();
        long redirects;
        long others;
        long badLocations;
        long behindAtEnd;
        IOException error;
        private final byte[] line = new byte[8192];
        /** Bytes read from the socket and not yet parsed: {@code buffer[position..limit)}. */
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private String location;

        Connection(InetSocketAddress address, byte[][] requests, String[] paths, int first, int step, long start,
                   long interval, long measureFrom, long end) {
            this.address = address;
            this.requests = requests;
            this.paths = paths;
            this.first = first;
            this.step = step;
            this.start = start;
            this.interval = interval;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        @Override
        public void run() {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(address, 5000);
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                long previousDone = Long.MIN_VALUE;
                for (long slot = first; ; slot += step) {
                    long due = start + slot * interval;
                    if (due >= end) {
                        break;
                    }
                    long now = sleepUntil(due);
                    if (now > end + TimeUnit.SECONDS.toNanos(5)) {
                        // Hopelessly behind (the server cannot keep up): stop, and say how many were never sent.
                        behindAtEnd = (end - due) / (interval * step) + 1;
                        break;
                    }
                    int k = (int) (slot % requests.length);
                    long sent = System.nanoTime();
                    out.write(requests[k]);
                    out.flush();
                    int status = readResponse(in);
                    long done = System.nanoTime();
                    if (due >= measureFrom) {
                        // Late because the previous answer on this connection came after this request was due:
                        // the server's delay, counted from the due time. Otherwise from the actual write.
                        long from = previousDone > due ? due : sent;
                        latency.recordValue(Math.min(HIGHEST_NANOS, done - from));
                        fromDue.recordValue(Math.min(HIGHEST_NANOS, done - due));
                        service.recordValue(Math.min(HIGHEST_NANOS, done - sent));
                        if (status != 302) {
                            others++;
                        } else if (location != null && location.startsWith("http://127.0.0.1:")
                                && location.endsWith(paths[k])) {
                            redirects++;
                        } else {
                            badLocations++;
                        }
                    }
                    previousDone = done;
                }
            } catch (IOException e) {
                error = e;
            }
        }

        private static long sleepUntil(long due) {
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            return now;
        }

        /** Reads one response (status line, headers, a Content-Length body); returns the status. */
        private int readResponse(InputStream in) throws IOException {
            int length = readLine(in);
            if (length < 12 || line[0] != 'H') {
                throw new IOException("not an HTTP response: " + new String(line, 0, length, StandardCharsets.US_ASCII));
            }
            int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            long contentLength = 0;
            location = null;
            while ((length = readLine(in)) > 0) {
                if (startsWithIgnoreCase(length, "content-length:")) {
                    contentLength = Long.parseLong(value(length, "content-length:".length()));
                } else if (startsWithIgnoreCase(length, "location:")) {
                    location = value(length, "location:".length());
                } else if (startsWithIgnoreCase(length, "transfer-encoding:")) {
                    throw new IOException("chunked responses are not supported by this generator");
                }
            }
            for (long left = contentLength; left > 0; ) {
                if (position == limit) {
                    fill(in);
                }
                int skipped = (int) Math.min(left, limit - position);
                position += skipped;
                left -= skipped;
            }
            return status;
        }

        /** Reads a line into {@link #line} without its CRLF; returns its length. */
        private int readLine(InputStream in) throws IOException {
            int length = 0;
            while (true) {
                if (position == limit) {
                    fill(in);
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                }
                if (length == line.length) {
                    throw new IOException("a response line longer than " + line.length + " bytes");
                }
                line[length++] = b;
            }
        }

        /** Reads what the socket has (blocking until something); own buffer, no per-byte locking. */
        private void fill(InputStream in) throws IOException {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("the server closed the connection");
            }
            position = 0;
            limit = n;
        }

        private boolean startsWithIgnoreCase(int length, String prefix) {
            if (length < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (Character.toLowerCase(line[i]) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private String value(int length, int from) {
            return new String(line, from, length - from, StandardCharsets.US_ASCII).strip();
        }
    }
}
