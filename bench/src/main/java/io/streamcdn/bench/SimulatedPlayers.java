package io.streamcdn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many viewers playing videos from one edge, each as a real player would: the manifest, the init segment, then
 * media segments at its playback pace ({@link PlaybackPace}), over keep-alive HTTP/1.1 connections of a Vert.x
 * client (no body is held: bytes are counted as they arrive, so back-pressure is the socket's). Each viewer picks a
 * video by popularity (Zipf) and a rung, plays it to the end, then picks another. Every answer is checked:
 * status 200 and the file's exact length, else it is an error.
 */
final class SimulatedPlayers {

    /** One video as published: its id and, per rung, the folder, the segment count and each segment's size. */
    record Video(String id, List<Rung> rungs, int segments, int manifestBytes, int initBytes) {
    }

    record Rung(String folder, int segmentBytes) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final int port;
    private final List<Video> videos;
    private final double[] popularity;
    private final double segmentSeconds;
    private final double bufferSeconds;
    private final Recorder latency = new Recorder(TimeUnit.SECONDS.toMicros(60), 3);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong stalledMillis = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean stopping;

    SimulatedPlayers(Vertx vertx, int port, int players, List<Video> videos, double zipfExponent, double segmentSeconds,
                     double bufferSeconds) {
        this.vertx = vertx;
        this.port = port;
        this.videos = List.copyOf(videos);
        this.segmentSeconds = segmentSeconds;
        this.bufferSeconds = bufferSeconds;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
                .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(players).setMaxWaitQueueSize(-1));
        this.popularity = new double[videos.size()];
        double sum = 0;
        for (int i = 0; i < popularity.length; i++) {
            sum += 1 / Math.pow(i + 1, zipfExponent);
            popularity[i] = sum;
        }
        for (int i = 0; i < popularity.length; i++) {
            popularity[i] /= sum;
        }
    }

    /** Starts {@code players} viewers spread evenly over {@code rampSeconds}. */
    void start(int players, int rampSeconds, long seed) {
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 0; i < players; i++) {
            long delayMs = Math.max(1, (long) (rampSeconds * 1000.0 * i / players));
            Viewer viewer = new Viewer(seeds.split());
            vertx.setTimer(delayMs, id -> viewer.next());
        }
    }

    /** Stops asking for more; returns once the requests in flight have finished or after {@code maxWaitMs}. */
    void stop(long maxWaitMs) throws InterruptedException {
        stopping = true;
        long deadline = System.currentTimeMillis() + maxWaitMs;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        client.close();
    }

    /** The latency of every answer since the last call, in microseconds. */
    Histogram latencySinceLastCall() {
        return latency.getIntervalHistogram();
    }

    long requests() {
        return requests.get();
    }

    long errors() {
        return errors.get();
    }

    long bytes() {
        return bytes.get();
    }

    long stalls() {
        return stalls.get();
    }

    double stalledSeconds() {
        return stalledMillis.get() / 1000.0;
    }

    String firstError() {
        return firstError.get();
    }

    /** One viewer's state machine: manifest, init, then segments at playback pace, then the next video. */
    private final class Viewer {
        private final SplittableRandom random;
        private Video video;
        private Rung rung;
        private int nextSegment;
        private PlaybackPace pace;

        Viewer(SplittableRandom random) {
            this.random = random;
        }

        void next() {
            if (stopping) {
                return;
            }
            if (video == null) {
                video = pick();
                rung = video.rungs().get(random.nextInt(video.rungs().size()));
                nextSegment = 0;
                pace = new PlaybackPace(segmentSeconds, bufferSeconds);
                fetch("/videos/" + video.id() + "/manifest.mpd", video.manifestBytes(),
                        () -> fetch("/videos/" + video.id() + "/" + rung.folder() + "/init.mp4", video.initBytes(),
                                this::next));
                return;
            }
            if (nextSegment == video.segments()) {
                // Everything is downloaded: the viewer watches what is buffered, then chooses another video.
                video = null;
                long left = (long) (Math.max(0, pace.bufferAt(System.nanoTime())) * 1000);
                vertx.setTimer(Math.max(1, left), id -> next());
                return;
            }
            long delay = pace.delayNanos(System.nanoTime());
            if (delay > 0) {
                vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(delay)), id -> segment());
            } else {
                segment();
            }
        }

        private void segment() {
            if (stopping) {
                return;
            }
            int number = ++nextSegment;
            fetch(String.format(Locale.ROOT, "/videos/%s/%s/seg-%05d.m4s", video.id(), rung.folder(), number),
                    rung.segmentBytes(), () -> {
                        long stallsBefore = pace.stalls();
                        double stalledBefore = pace.stalledSeconds();
                        pace.segmentArrived(System.nanoTime());
                        stalls.addAndGet(pace.stalls() - stallsBefore);
                        stalledMillis.addAndGet(Math.round((pace.stalledSeconds() - stalledBefore) * 1000));
                        next();
                    });
        }

        private Video pick() {
            double u = random.nextDouble();
            for (int i = 0; i < popularity.length; i++) {
                if (u <= popularity[i]) {
                    return videos.get(i);
                }
            }
            return videos.get(videos.size() - 1);
        }

        /** GETs {@code path}; on a full, correct answer runs {@code then}, otherwise counts an error and retries later. */
        private void fetch(String path, int expectedBytes, Runnable then) {
            long started = System.nanoTime();
            inFlight.incrementAndGet();
            long[] received = {0};
            client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(path).setIdleTimeout(30_000))
                    .compose(request -> request.send())
                    .compose(response -> {
                        response.handler(buffer -> received[0] += buffer.length());
                        return response.end().map(done -> response.statusCode());
                    })
                    .onComplete(outcome -> {
                        inFlight.decrementAndGet();
                        requests.incrementAndGet();
                        bytes.addAndGet(received[0]);
                        latency.recordValue(Math.min(TimeUnit.SECONDS.toMicros(60),
                                TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started)));
                        String problem = outcome.failed() ? outcome.cause().toString()
                                : outcome.result() != 200 ? "status " + outcome.result()
                                : received[0] != expectedBytes ? received[0] + " bytes, expected " + expectedBytes : null;
                        if (problem == null) {
                            then.run();
                            return;
                        }
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, path + ": " + problem);
                        if (!stopping) {
                            vertx.setTimer(1000, id -> fetch(path, expectedBytes, then));
                        }
                    });
        }
    }
}
