package io.streamcdn.bench.qoe;

import io.streamcdn.bench.RoleProcess;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Our ABR rule against dash.js's stock ABR, on real bandwidth traces: the watch page plays a ~3-minute
 * video in headless Chromium, once per ABR and trace, while a {@link ShapingProxy} between the browser and
 * the origin makes the link follow the trace (80 ms round trip). Each session is scored with QoE_lin
 * ({@link QoeScore}); the table, a CSV and a CDF plot of QoE per session compare the two ABRs.
 * <p>
 * The page, dash.js and the player's configuration come from the origin directly, as they would from a
 * nearby web server; everything the player fetches for the video (MPD, segments) and its QoE beacons cross
 * the proxy, which is the origin's public URL and the page's edge.
 * Both ABRs meet each trace from its start, each in a fresh browser context: by default at the same time, each
 * behind its own proxy and in its own browser (so both meet the same machine), else one after the other in
 * alternating order (ours first on even traces). Startup is also measured without the proxy, on the unshaped loopback link.
 */
@Command(name = "qoe", mixinStandardHelpOptions = true, sortOptions = false,
        description = "QoE_lin of our ABR rule vs dash.js's stock ABR over bandwidth traces, in headless Chromium.")
public final class QoeBenchmark implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TRACE_DIR", description = "Folder of traces (seconds<TAB>Mbps per line), searched recursively, e.g. ../shared/traces.")
    Path traceDir;

    @Parameters(index = "1", paramLabel = "N", defaultValue = "0",
            description = "How many traces, picked evenly across the folder's sorted list; 0 = all (default).")
    int count;

    @Option(names = "--clip", description = "Clip to loop into the video (default: ../shared/media/bbb-480p-10s.mp4).")
    Path clip;

    @Option(names = "--seconds", defaultValue = "180", description = "Length of the video, the loop ending half a second short of it (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--work", defaultValue = "bench/target/qoe",
            description = "Where the video, the origin's data and the results go (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--results", defaultValue = "bench/results",
            description = "Where the plot is copied for RESULTS.md (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--chromium", description = "Chromium executable (default: /usr/bin/chromium).")
    Path chromium;

    @Option(names = "--rtt-ms", defaultValue = "80", description = "Round trip the proxy adds per request (default: ${DEFAULT-VALUE}).")
    int rttMillis;

    @Option(names = "--startup-runs", defaultValue = "5",
            description = "Startups per ABR measured on the unshaped local link (default: ${DEFAULT-VALUE}).")
    int startupRuns;

    @Option(names = "--wall-factor", defaultValue = "3",
            description = "A session is cut after this many times the video's length (default: ${DEFAULT-VALUE}).")
    double wallFactor;

    @Option(names = "--side-by-side", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Play both ABRs of a trace at the same time, each behind its own proxy and browser "
                    + "(default: ${DEFAULT-VALUE}; --no-side-by-side plays them one after the other).")
    boolean sideBySide;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<BandwidthTrace> traces;
        Path source = clip != null ? clip : Path.of("..", "shared", "media", "bbb-480p-10s.mp4");
        Path looped;
        try {
            if (count < 0 || seconds < 10 || wallFactor < 1) {
                throw new IllegalArgumentException("N must be 0 (all) or more, --seconds at least 10, --wall-factor at least 1");
            }
            traces = BandwidthTrace.readDir(traceDir, count);
            looped = QoeVideo.loopedSource(source, sourceSeconds(), work.resolve("media"));
        } catch (IllegalArgumentException bad) {
            spec.commandLine().getErr().println("bench qoe: " + bad.getMessage());
            return 2;
        }
        PensieveLadder ladder = PensieveLadder.STANDARD;
        // The page's player-config names the origin's public URL as where the video is played from; that is
        // the proxy, so even the player's fallback "edge" (the origin) is behind the shaped link and a
        // failover can never escape to the unshaped loopback. The proxy needs the origin's port first.
        int originPort = RoleProcess.freePort();
        try (ShapingProxy proxy = ShapingProxy.start(originPort, traces.get(0), Duration.ofMillis(rttMillis / 2));
             BenchOrigin origin = BenchOrigin.start(List.of("--host", "127.0.0.1", "--port", Integer.toString(originPort),
                     "--data-dir", work.resolve("origin-data").toString(), "--public-url", proxy.url(),
                     "--ladder", ladder.originFlag(),
                     "--segment-seconds", String.format(Locale.ROOT, "%.0f", ladder.segmentSeconds())));
             WatchPageDriver driver = WatchPageDriver.launch(chromium != null ? chromium : WatchPageDriver.SYSTEM_CHROMIUM)) {
            QoeVideo.Published video = new QoeVideo(origin.url()).ensure(looped, QoeVideo.title(source, sourceSeconds(), ladder),
                    Duration.ofMinutes(60));
            if (video.renditions() != ladder.rungs()) {
                throw new IllegalStateException("the origin made " + video.renditions() + " renditions, not the ladder's "
                        + ladder.rungs() + "; the results would not be on the Pensieve ladder");
            }
            printSetup(traces, video, origin, proxy, driver, ladder);

            List<String> startupLines = measureStartup(driver, origin, video);

            Path sessionsDir = Files.createDirectories(work.resolve("sessions"));
            List<SessionResult> sessions = new ArrayList<>();
            Duration wallLimit = Duration.ofSeconds((long) Math.ceil(video.durationSeconds() * wallFactor) + 30);
            double playUntil = video.durationSeconds() - 1.0; // the whole video, whether or not "ended" fires
            Sessions runner = new Sessions(origin, video, sessionsDir, ladder, playUntil, wallLimit, 2 * traces.size());
            if (sideBySide) {
                // The second ABR plays the same trace at the same time behind its own proxy and browser: the
                // two meet the same machine (and the same CPU hiccups), and a run takes half as long.
                try (ShapingProxy second = ShapingProxy.start(originPort, traces.get(0), Duration.ofMillis(rttMillis / 2));
                     WatchPageDriver secondDriver = WatchPageDriver.launch(chromium != null ? chromium : WatchPageDriver.SYSTEM_CHROMIUM)) {
                    ExecutorService pair = Executors.newFixedThreadPool(2);
                    try {
                        for (int t = 0; t < traces.size(); t++) {
                            BandwidthTrace trace = traces.get(t);
                            // which ABR gets the first proxy (whose link also carries the page's small API calls) alternates
                            boolean oursFirst = t % 2 == 0;
                            proxy.follow(trace);
                            second.follow(trace);
                            Future<SessionResult> a = pair.submit(() -> runner.play(driver, proxy, trace,
                                    oursFirst ? QoeTable.OURS : QoeTable.STOCK));
                            Future<SessionResult> b = pair.submit(() -> runner.play(secondDriver, second, trace,
                                    oursFirst ? QoeTable.STOCK : QoeTable.OURS));
                            sessions.add(a.get());
                            sessions.add(b.get());
                            writeFiles(new QoeTable(sessions), traces.size(), video); // a run cut short keeps what it measured
                        }
                    } finally {
                        pair.shutdownNow();
                    }
                }
            } else {
                for (int t = 0; t < traces.size(); t++) {
                    BandwidthTrace trace = traces.get(t);
                    List<String> order = t % 2 == 0 ? List.of(QoeTable.OURS, QoeTable.STOCK) : List.of(QoeTable.STOCK, QoeTable.OURS);
                    for (String abr : order) {
                        proxy.follow(trace);
                        sessions.add(runner.play(driver, proxy, trace, abr));
                        writeFiles(new QoeTable(sessions), traces.size(), video); // a run cut short keeps what it measured
                    }
                }
            }

            System.out.println();
            QoeTable table = new QoeTable(sessions);
            table.print(System.out);
            System.out.println();
            startupLines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());

            writeFiles(table, traces.size(), video);
            System.out.println("wrote " + work.resolve("qoe-sessions.csv") + ", " + work.resolve("qoe-cdf.svg")
                    + " (copied to " + results.resolve("qoe-cdf.svg") + "), sessions in " + sessionsDir);
        }
        return 0;
    }

    /** Plays and scores one session; safe to call from two threads at once (one driver and proxy each). */
    private static final class Sessions {
        private final BenchOrigin origin;
        private final QoeVideo.Published video;
        private final Path dir;
        private final PensieveLadder ladder;
        private final double playUntil;
        private final Duration wallLimit;
        private final int total;
        private final AtomicInteger done = new AtomicInteger();

        Sessions(BenchOrigin origin, QoeVideo.Published video, Path dir, PensieveLadder ladder, double playUntil,
                 Duration wallLimit, int total) {
            this.origin = origin;
            this.video = video;
            this.dir = dir;
            this.ladder = ladder;
            this.playUntil = playUntil;
            this.wallLimit = wallLimit;
            this.total = total;
        }

        SessionResult play(WatchPageDriver driver, ShapingProxy proxy, BandwidthTrace trace, String abr) throws Exception {
            long bytesBefore = proxy.bytesSent();
            String url = origin.url() + "/watch.html?v=" + video.id() + "&abr=" + abr
                    + "&edge=" + URLEncoder.encode(proxy.url(), StandardCharsets.UTF_8);
            JsonObject raw = driver.playRaw(url, playUntil, Duration.ofSeconds(120), wallLimit);
            long bytes = proxy.bytesSent() - bytesBefore;
            raw.put("trace", trace.name()).put("abr", abr).put("proxyBytes", bytes);
            Files.writeString(dir.resolve(trace.name() + "." + abr + ".json"), raw.encodePrettily());
            PlaybackLog log = PlaybackLog.fromJson(raw);
            QoeScore score = QoeScore.of(log, ladder);
            System.out.printf(Locale.ROOT, "[%d/%d] %-44s %-5s QoE_lin %7.2f  avg %.2f Mb/s  rebuffer %5.2f s  "
                            + "(stalls with video buffered %4.2f s)  %2d switches  startup %.2f s  %.1f MB via proxy in %.0f s%s%s%n",
                    done.incrementAndGet(), total, trace.name(), abr, score.qoeLin(), score.averageBitrateMbps(),
                    score.rebufferSeconds(), score.bufferedStallSeconds(), score.switches(), score.startupSeconds(),
                    bytes / 1e6, log.wallSeconds(),
                    score.ended() ? "" : "  CUT", log.pageErrors().isEmpty() ? "" : "  page errors: " + log.pageErrors());
            return new SessionResult(trace.name(), trace.meanMbps(), abr, score);
        }
    }

    private void writeFiles(QoeTable table, int traceCount, QoeVideo.Published video) throws java.io.IOException {
        table.writeCsv(work.resolve("qoe-sessions.csv"));
        Path svg = work.resolve("qoe-cdf.svg");
        Files.writeString(svg, table.cdfSvg(String.format(Locale.ROOT,
                "QoE_lin per session, %d traces, %.0f s video, Pensieve ladder, %d ms RTT", traceCount,
                video.durationSeconds(), rttMillis)));
        Files.createDirectories(results);
        Files.copy(svg, results.resolve("qoe-cdf.svg"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Half a second short of {@code --seconds}: cut at a whole number of segments, the encode's last segment
     * would hold the two frames past the end. Since the encoder measures each rung's peak over at least a whole
     * segment such a sliver no longer inflates the MPD's bandwidth, but the half second is kept so that runs stay
     * comparable (and their encodes cached) across versions.
     */
    private double sourceSeconds() {
        return seconds - 0.5;
    }

    private void printSetup(List<BandwidthTrace> traces, QoeVideo.Published video, BenchOrigin origin, ShapingProxy proxy,
                            WatchPageDriver driver, PensieveLadder ladder) {
        System.out.printf(Locale.ROOT, "machine: %d cores, load average %s; Chromium %s (headless, %s)%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), driver.browserVersion(),
                String.join(" ", WatchPageDriver.CHROMIUM_ARGS));
        System.out.printf(Locale.ROOT, "video: %s, %.1f s, ladder %s kbit/s, %.0f s segments; origin %s; proxy %s (%d ms RTT)%n",
                video.id(), video.durationSeconds(), ladder.kbps(), ladder.segmentSeconds(), origin.url(), proxy.url(), rttMillis);
        System.out.printf(Locale.ROOT, "traces: %d from %s (mean of means %.2f Mbit/s)%n", traces.size(), traceDir,
                traces.stream().mapToDouble(BandwidthTrace::meanMbps).average().orElse(0));
    }

    private List<String> measureStartup(WatchPageDriver driver, BenchOrigin origin, QoeVideo.Published video) {
        List<String> lines = new ArrayList<>();
        if (startupRuns <= 0) {
            return lines;
        }
        double[][] player = new double[2][startupRuns];
        double[][] page = new double[2][startupRuns];
        List<String> abrs = List.of(QoeTable.OURS, QoeTable.STOCK);
        for (int run = 0; run < startupRuns; run++) {
            for (int a = 0; a < 2; a++) {
                // edge= puts the origin itself first: the page plays over plain loopback, no proxy.
                String url = origin.url() + "/watch.html?v=" + video.id() + "&abr=" + abrs.get(a)
                        + "&edge=" + URLEncoder.encode(origin.url(), StandardCharsets.UTF_8);
                WatchPageDriver.Startup startup = driver.startup(url, Duration.ofSeconds(60));
                player[a][run] = startup.playerSeconds();
                page[a][run] = startup.pageSeconds();
            }
        }
        for (int a = 0; a < 2; a++) {
            lines.add(String.format(Locale.ROOT, "startup on the unshaped local link, %-5s over %d runs: stream request to "
                            + "first frame median %.3f s (max %.3f); navigation to first frame median %.3f s (max %.3f)",
                    abrs.get(a), startupRuns, median(player[a]), max(player[a]), median(page[a]), max(page[a])));
        }
        lines.forEach(System.out::println);
        return lines;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
