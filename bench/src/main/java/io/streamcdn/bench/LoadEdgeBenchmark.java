package io.streamcdn.bench;

import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./bench/run load-edge}: 1,000 simulated players against one edge (its own JVM, in front of a real origin)
 * for 10 minutes on loopback. Each player fetches a manifest, an init segment and then segments at its playback
 * pace, so the load is what a real audience makes: steady, many connections, mostly cache hits after the first
 * viewers. Reports per minute the answers, errors, latency and the edge JVM's heap; at the end whether there were
 * zero errors and whether the heap stayed flat.
 */
@Command(name = "load-edge", mixinStandardHelpOptions = true,
        description = "Many simulated players against one edge for minutes: errors, segment latency, the edge's heap each minute.")
final class LoadEdgeBenchmark implements Callable<Integer> {

    @Option(names = "--players", defaultValue = "1000", description = "Simulated players (default: ${DEFAULT-VALUE}).")
    int players;

    @Option(names = "--minutes", defaultValue = "10", description = "How long the load runs (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--ramp-seconds", defaultValue = "60", description = "Players start evenly over this time (default: ${DEFAULT-VALUE}).")
    int rampSeconds;

    @Option(names = "--videos", defaultValue = "20", description = "Videos in the catalog, watched by Zipf(0.8) popularity (default: ${DEFAULT-VALUE}).")
    int videoCount;

    @Option(names = "--segments", defaultValue = "30", description = "2 s segments per video and rung (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--edge-jvm-opts", defaultValue = "", split = " ", description = "JVM flags for the edge, e.g. -Xmx512m (default: none).")
    List<String> edgeJvmOpts = new ArrayList<>();

    static final double SEGMENT_SECONDS = 2;
    static final double BUFFER_SECONDS = 12;
    /** 240p/360p/480p at 400/800/1,400 kbps: segment sizes for 2 s. */
    private static final List<SimulatedPlayers.Rung> RUNGS = List.of(new SimulatedPlayers.Rung("240p", 100_000),
            new SimulatedPlayers.Rung("360p", 200_000), new SimulatedPlayers.Rung("480p", 350_000));

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("streamcdn-load-edge");
        try {
            Path data = work.resolve("data");
            // Files go in after the origin starts: at start it deletes video folders its catalog does not know.
            OriginServer origin = OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(data).build())
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            try {
                List<SimulatedPlayers.Video> videos = publish(data);
                try (EdgeProcess edge = EdgeProcess.start(work.resolve("edge"), URI.create("http://127.0.0.1:" + origin.port()),
                        edgeJvmOpts.stream().filter(flag -> !flag.isBlank()).toList(), false)) {
                    return run(edge, videos);
                }
            } finally {
                origin.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        } finally {
            Folders.delete(work);
        }
    }

    private List<SimulatedPlayers.Video> publish(Path data) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        List<SimulatedPlayers.Video> videos = new ArrayList<>();
        for (int v = 0; v < videoCount; v++) {
            String id = String.format(Locale.ROOT, "loadvideo%03d", v);
            Path folder = data.resolve("videos").resolve(id);
            Files.createDirectories(folder);
            byte[] manifest = randomBytes(random, 2_000);
            byte[] init = randomBytes(random, 900);
            Files.write(folder.resolve("manifest.mpd"), manifest);
            for (SimulatedPlayers.Rung rung : RUNGS) {
                Path rungFolder = Files.createDirectories(folder.resolve(rung.folder()));
                Files.write(rungFolder.resolve("init.mp4"), init);
                for (int s = 1; s <= segments; s++) {
                    Files.write(rungFolder.resolve(String.format(Locale.ROOT, "seg-%05d.m4s", s)),
                            randomBytes(random, rung.segmentBytes()));
                }
            }
            videos.add(new SimulatedPlayers.Video(id, RUNGS, segments, manifest.length, init.length));
        }
        return videos;
    }

    private static byte[] randomBytes(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private int run(EdgeProcess edge, List<SimulatedPlayers.Video> videos) throws Exception {
        double averageKbps = RUNGS.stream().mapToDouble(r -> r.segmentBytes() * 8 / SEGMENT_SECONDS / 1000).average().orElse(0);
        System.out.printf(Locale.ROOT, "machine: %d cores; edge: separate JVM (pid %d), JVM flags %s, log level WARN%n",
                Runtime.getRuntime().availableProcessors(), edge.pid(), edgeJvmOpts.isEmpty() ? "none" : edgeJvmOpts);
        System.out.printf(Locale.ROOT, "load: %d players started over %d s, %d minutes; %d videos x %d segments of %.0f s at "
                        + "240p/360p/480p (400/800/1,400 kbps, a rung per viewing), Zipf(0.8) popularity, %.0f s buffer; "
                        + "expected steady rate about %.0f Mbit/s%n", players, rampSeconds, minutes, videoCount, segments,
                SEGMENT_SECONDS, BUFFER_SECONDS, players * averageKbps / 1000);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HttpClient http = HttpClient.newHttpClient();
        String metrics = edge.url("/metrics");
        SimulatedPlayers load = new SimulatedPlayers(vertx, edge.port(), players, videos, 0.8, SEGMENT_SECONDS, BUFFER_SECONDS);
        Histogram all = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        List<Double> heapFloors = new ArrayList<>();
        try {
            EdgeJvmReading before = EdgeJvmReading.read(http, metrics, edge.pid());
            System.out.println("edge before load: " + before.describe());
            load.start(players, rampSeconds, 42);
            long requestsBefore = 0;
            long bytesBefore = 0;
            long stallsBefore = 0;
            for (int minute = 1; minute <= minutes; minute++) {
                double heapFloor = Double.MAX_VALUE;
                double heapPeak = 0;
                EdgeJvmReading last = before;
                for (int sample = 0; sample < 12; sample++) {
                    Thread.sleep(5_000);
                    last = EdgeJvmReading.read(http, metrics, edge.pid());
                    heapFloor = Math.min(heapFloor, last.heapUsedBytes());
                    heapPeak = Math.max(heapPeak, last.heapUsedBytes());
                }
                heapFloors.add(heapFloor);
                Histogram interval = load.latencySinceLastCall();
                all.add(interval);
                long requests = load.requests();
                long bytes = load.bytes();
                long stalls = load.stalls();
                System.out.printf(Locale.ROOT, "minute %2d: %7d answers, %6.1f Mbit/s, latency p50 %6.2f ms p99 %7.2f ms "
                                + "max %8.2f ms, errors so far %d, stalls %d; edge heap in use %5.1f..%5.1f MB, old generation "
                                + "%5.1f MB, RSS %5.1f MB%n", minute, requests - requestsBefore,
                        (bytes - bytesBefore) * 8 / 60.0 / 1e6, ms(interval, 50), ms(interval, 99), interval.getMaxValue() / 1000.0,
                        load.errors(), stalls - stallsBefore, heapFloor / 1e6, heapPeak / 1e6, last.oldGenBytes() / 1e6,
                        last.rssBytes() / 1e6);
                requestsBefore = requests;
                bytesBefore = bytes;
                stallsBefore = stalls;
            }
        } finally {
            load.stop(30_000);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        all.add(load.latencySinceLastCall());
        System.out.println();
        System.out.printf(Locale.ROOT, "summary: %d answers, %d errors%s; %.2f GB sent; latency p50 %.2f ms, p99 %.2f ms, "
                        + "p99.9 %.2f ms, max %.2f ms; %d stalls (%.1f s) over %d players%n", load.requests(), load.errors(),
                load.firstError() == null ? "" : " (first: " + load.firstError() + ")", load.bytes() / 1e9,
                ms(all, 50), ms(all, 99), ms(all, 99.9), all.getMaxValue() / 1000.0, load.stalls(), load.stalledSeconds(), players);
        System.out.println("heap: " + HeapTrend.describe(heapFloors));
        System.out.println("target: zero errors: " + (load.errors() == 0 ? "met" : "MISSED") + "; heap flat: "
                + (HeapTrend.flat(heapFloors) ? "yes" : "NO"));
        return load.errors() == 0 ? 0 : 1;
    }

    private static double ms(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
