package io.streamcdn.bench;

import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Serving warm content: Debian's nginx ({@code sendfile on}, workers = cores) serving a folder directly,
 * against the streamcdn edge (its own JVM, defaults, cache filled first) in front of a real origin serving
 * the same folder. {@code wrk} drives both in turns in one run, per workload (1 MB segments, 4 KB objects),
 * its connections cycling through the workload's files.
 * <p>
 * Checks that keep the comparison honest: every warm-up response is 200 with the file's exact bytes (the
 * edge's first answer MISS, its second HIT); in every measured edge round the edge's own hit counter grows
 * by at least what wrk counted and its miss counter does not grow; any non-2xx or socket error is printed.
 * Each workload starts with an unmeasured wrk run against each server (the edge's JIT warms up; nginx
 * gets the same). The order alternates by round so neither server always runs first. Each round waits for
 * an idle machine and accounts for the CPU used meanwhile ({@link CpuLedger}); a round in which other
 * processes used more than 5 % of the machine is flagged NOISY.
 */
@Command(name = "edge-vs-nginx", mixinStandardHelpOptions = true,
        description = "Throughput and latency of the warm edge vs nginx serving the same files, alternating in one run.")
final class EdgeVsNginxBenchmark implements Callable<Integer> {

    private static final String VIDEO_ID = "benchvideo1";
    /** A round starts once the machine has had a second this idle (in busy cores)... */
    private static final double QUIET_CORES = 0.15;
    /** ...and is flagged when other processes used more than this share of the machine during it. */
    private static final double NOISY_SHARE = 0.05;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per workload and server (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of one measured wrk round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "20",
            description = "Unmeasured wrk run per server and workload first; the edge's JIT compiler needs 10-20 s of load "
                    + "on two cores (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default: ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--segments", defaultValue = "50", description = "Distinct 1 MB files (default: ${DEFAULT-VALUE}).")
    int segments;

    @Option(names = "--small-objects", defaultValue = "50", description = "Distinct small files (default: ${DEFAULT-VALUE}).")
    int smallObjects;

    @Option(names = "--small-kb", defaultValue = "4",
            description = "Size of each small file in KB, 1 to 128: all are served from the edge's memory "
                    + "(default: ${DEFAULT-VALUE}).")
    int smallKb;

    @Option(names = "--edge-jvm-opts", defaultValue = "", split = " ",
            description = "JVM flags for the edge process, space-separated (default: none, the JVM's defaults).")
    List<String> edgeJvmOpts;

    @Option(names = "--quiet-wait", defaultValue = "180",
            description = "Seconds to wait before each round for the machine to be idle (default: ${DEFAULT-VALUE}).")
    int quietWait;

    @Option(names = "--access-log", description = "Both servers write an access log (nginx to a file, the edge at INFO to its log file); default: neither.")
    boolean accessLog;

    /** One kind of request: a set of same-sized files and the wrk script that walks through them. */
    private record Workload(String name, PublishedFiles files, Path script) {
    }

    /** One measured round of one server, with who used the CPU meanwhile. */
    private record Measured(Wrk.Result wrk, CpuLedger.Usage cpu, double jitSeconds, boolean noisy) {
        /** CPU milliseconds the server spent per 1000 responses. */
        double cpuPerThousand() {
            return wrk.requests() == 0 ? 0 : 1e6 * cpu.server() / wrk.requests();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s  server cpu %.1f ms/1000 req  (%s%s)%s", wrk, cpuPerThousand(), cpu,
                    jitSeconds < 0 ? "" : String.format(Locale.ROOT, "; of the server's, JIT compiler %.1f", jitSeconds),
                    noisy ? "  NOISY: other processes used the CPU" : "");
        }
    }

    @Override
    public Integer call() throws Exception {
        if (smallKb < 1 || smallKb > 128) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--small-kb " + smallKb + " must be 1 to 128 (the edge keeps objects up to 128 KB in memory)");
        }
        Path work = Files.createTempDirectory("streamcdn-edge-vs-nginx");
        try {
            return withOrigin(work);
        } finally {
            Folders.delete(work);
        }
    }

    private int withOrigin(Path work) throws Exception {
        Path data = work.resolve("data");
        // Files go in after the origin starts: at start it deletes video folders its catalog does not know.
        OriginServer origin = OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(data).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            compare(work, data, origin);
        } finally {
            origin.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        return 0;
    }

    /** Publishes the files, starts nginx and the edge, warms both up and measures every workload. */
    private void compare(Path work, Path data, OriginServer origin) throws Exception {
        List<Workload> workloads = List.of(
                new Workload("1 MB", PublishedFiles.write(data, VIDEO_ID, "720p", segments, 1 << 20, 1),
                        work.resolve("segments.lua")),
                new Workload(smallKb + " KB", PublishedFiles.write(data, VIDEO_ID, "small", smallObjects, smallKb << 10, 2),
                        work.resolve("small.lua")));
        for (Workload workload : workloads) {
            Wrk.pathCycler(workload.script(), workload.files().paths());
        }
        String accessLogDirective = accessLog ? "access_log " + work.resolve("nginx/logs/access.log") + ";" : "";
        try (Nginx nginx = Nginx.start(work.resolve("nginx"), freePort(), "",
                accessLogDirective + " location /videos/ { root " + data + "; }");
             EdgeProcess edge = EdgeProcess.start(work.resolve("edge"), URI.create("http://127.0.0.1:" + origin.port()),
                     edgeJvmOpts.stream().filter(flag -> !flag.isBlank()).toList(), accessLog)) {
            printSetup(edge);
            for (Workload workload : workloads) {
                warmUp(workload, nginx, edge);
            }
            List<String> summary = new ArrayList<>();
            for (Workload workload : workloads) {
                summary.add(measure(workload, nginx, edge));
            }
            System.out.println();
            System.out.println("summary (medians over " + rounds + " rounds; targets: 1 MB >= 1.0x nginx's req/s with "
                    + "p99 <= 1.2x nginx's; 4 KB >= 0.8x nginx's req/s)");
            summary.forEach(System.out::println);
        }
    }

    private void printSetup(EdgeProcess edge) {
        System.out.printf(Locale.ROOT, "machine: %d cores; wrk -c %d -t %d, %d s rounds (+%d s unmeasured warm-up), "
                        + "%d rounds; %d x 1 MB, %d x %d KB files%n", Runtime.getRuntime().availableProcessors(),
                connections, wrkThreads, seconds, warmupSeconds, rounds, segments, smallObjects, smallKb);
        System.out.printf(Locale.ROOT, "edge: separate JVM (pid %d), JVM flags %s, log level %s; nginx: worker_processes "
                        + "auto, sendfile on, access_log %s%n", edge.pid(), edgeJvmOpts.isEmpty() ? "none" : edgeJvmOpts,
                accessLog ? "INFO (access log)" : "WARN", accessLog ? "on" : "off");
    }

    /**
     * Fetches every file from both servers (the edge twice: once to fill its cache, then to answer from
     * it); every response must be 200 with the file's bytes. The edge moves a body into its cache just
     * after sending it, so a second request right behind the first may still be served from the fill
     * (MISS): the HIT pass asks again, a little later, up to 20 times.
     */
    private static void warmUp(Workload workload, Nginx nginx, EdgeProcess edge) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> paths = workload.files().paths();
        for (String path : paths) {
            byte[] expected = workload.files().bytes(path);
            expect(http, "nginx", "http://127.0.0.1:" + nginx.port() + path, expected);
            String cache = expect(http, "edge", edge.url(path), expected);
            if (!"MISS".equals(cache)) {
                throw new IllegalStateException("the edge's first answer for " + path + " was " + cache + ", not MISS");
            }
        }
        int retries = 0;
        for (String path : paths) {
            byte[] expected = workload.files().bytes(path);
            for (int attempt = 1; !"HIT".equals(expect(http, "edge", edge.url(path), expected)); attempt++) {
                if (attempt == 20) {
                    throw new IllegalStateException("the edge never answered HIT for " + path);
                }
                retries++;
                Thread.sleep(50);
            }
        }
        System.out.printf(Locale.ROOT, "warm-up %s: %d files, every response 200 with the file's bytes (nginx once, "
                + "edge MISS then HIT; %d HIT re-asks)%n", workload.name(), paths.size(), retries);
    }

    /** GETs {@code url}, fails unless 200 with {@code expected}; returns the X-Cache header. */
    private static String expect(HttpClient http, String server, String url, byte[] expected)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        String cache = response.headers().firstValue("X-Cache").orElse(null);
        if (response.statusCode() != 200 || !Arrays.equals(response.body(), expected)) {
            throw new IllegalStateException(server + " answered " + url + " with " + response.statusCode() + ", "
                    + response.body().length + " bytes, X-Cache " + cache + "; expected 200 and the file's "
                    + expected.length + " bytes");
        }
        return cache;
    }

    /** Runs the workload's rounds, alternating the servers; prints each round, returns the summary line. */
    private String measure(Workload workload, Nginx nginx, EdgeProcess edge) throws Exception {
        String nginxUrl = "http://127.0.0.1:" + nginx.port() + "/";
        String edgeUrl = edge.url("/");
        System.out.println();
        System.out.printf(Locale.ROOT, "%s: unmeasured warm-up of %d s per server%n", workload.name(), warmupSeconds);
        if (warmupSeconds > 0) {
            Wrk.run(nginxUrl, connections, wrkThreads, warmupSeconds, workload.script());
            Wrk.run(edgeUrl, connections, wrkThreads, warmupSeconds, workload.script());
        }
        List<Measured> nginxRounds = new ArrayList<>();
        List<Measured> edgeRounds = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Measured n;
            Measured e;
            if (round % 2 == 1) {
                n = measureNginx(nginxUrl, nginx, workload);
                e = measureEdge(edgeUrl, edge, workload);
            } else {
                e = measureEdge(edgeUrl, edge, workload);
                n = measureNginx(nginxUrl, nginx, workload);
            }
            nginxRounds.add(n);
            edgeRounds.add(e);
            System.out.printf(Locale.ROOT, "%s round %d  nginx %s%n", workload.name(), round, n);
            System.out.printf(Locale.ROOT, "%s round %d  edge  %s%n", workload.name(), round, e);
            System.out.printf(Locale.ROOT, "%s round %d  edge/nginx: req/s %.3fx, p50 %.3fx, p99 %.3fx%n", workload.name(),
                    round, e.wrk().requestsPerSecond() / n.wrk().requestsPerSecond(), e.wrk().p50Ms() / n.wrk().p50Ms(),
                    e.wrk().p99Ms() / n.wrk().p99Ms());
        }
        return summaryLine(workload, nginxRounds, edgeRounds);
    }

    private Measured measureNginx(String url, Nginx nginx, Workload workload) throws Exception {
        CpuLedger.awaitQuiet(QUIET_CORES, Duration.ofSeconds(quietWait));
        CpuLedger.Snapshot before = CpuLedger.take(nginx.pid());
        Wrk.Result result = Wrk.run(url, connections, wrkThreads, seconds, workload.script());
        return measured(result, CpuLedger.between(before, CpuLedger.take(nginx.pid())), -1);
    }

    private Measured measured(Wrk.Result result, CpuLedger.Usage cpu, double jitSeconds) {
        return new Measured(result, cpu, jitSeconds,
                cpu.other() > NOISY_SHARE * Runtime.getRuntime().availableProcessors() * seconds);
    }

    /** One edge round; fails unless the edge's counters show every counted response was a hit. */
    private Measured measureEdge(String url, EdgeProcess edge, Workload workload) throws Exception {
        String metrics = edge.url("/metrics");
        CpuLedger.awaitQuiet(QUIET_CORES, Duration.ofSeconds(quietWait));
        EdgeCounters before = EdgeCounters.scrape(metrics);
        CpuLedger.Snapshot cpu = CpuLedger.take(edge.pid());
        double jit = ProcessCpu.threadSeconds(edge.pid(), "C1 Compiler") + ProcessCpu.threadSeconds(edge.pid(), "C2 Compiler");
        Wrk.Result result = Wrk.run(url, connections, wrkThreads, seconds, workload.script());
        CpuLedger.Usage usage = CpuLedger.between(cpu, CpuLedger.take(edge.pid()));
        jit = ProcessCpu.threadSeconds(edge.pid(), "C1 Compiler") + ProcessCpu.threadSeconds(edge.pid(), "C2 Compiler") - jit;
        EdgeCounters served = EdgeCounters.scrape(metrics).minus(before);
        // wrk does not count responses still in flight when it stops, so hits may exceed its count a little.
        if (served.misses() != 0 || served.hits() < result.requests()) {
            throw new IllegalStateException(String.format(Locale.ROOT, "the edge was not all hits: wrk counted %d "
                    + "responses, the edge %.0f hits and %.0f misses", result.requests(), served.hits(), served.misses()));
        }
        return measured(result, usage, jit);
    }

    private static String summaryLine(Workload workload, List<Measured> nginx, List<Measured> edge) {
        double nRps = median(nginx.stream().mapToDouble(m -> m.wrk().requestsPerSecond()).toArray());
        double eRps = median(edge.stream().mapToDouble(m -> m.wrk().requestsPerSecond()).toArray());
        double nP50 = median(nginx.stream().mapToDouble(m -> m.wrk().p50Ms()).toArray());
        double eP50 = median(edge.stream().mapToDouble(m -> m.wrk().p50Ms()).toArray());
        double nP99 = median(nginx.stream().mapToDouble(m -> m.wrk().p99Ms()).toArray());
        double eP99 = median(edge.stream().mapToDouble(m -> m.wrk().p99Ms()).toArray());
        double nCpu = median(nginx.stream().mapToDouble(Measured::cpuPerThousand).toArray());
        double eCpu = median(edge.stream().mapToDouble(Measured::cpuPerThousand).toArray());
        long noisy = nginx.stream().filter(Measured::noisy).count() + edge.stream().filter(Measured::noisy).count();
        long errors = nginx.stream().mapToLong(m -> m.wrk().non2xx() + m.wrk().socketErrors()).sum()
                + edge.stream().mapToLong(m -> m.wrk().non2xx() + m.wrk().socketErrors()).sum();
        return String.format(Locale.ROOT, "%s  nginx %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %5.1f ms/1000 req%n"
                        + "%s  edge  %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  cpu %5.1f ms/1000 req%n"
                        + "%s  edge/nginx: req/s %.3fx  p50 %.3fx  p99 %.3fx  (non-2xx + socket errors, all rounds: %d; "
                        + "noisy rounds: %d)",
                workload.name(), nRps, nP50, nP99, nCpu, workload.name(), eRps, eP50, eP99, eCpu,
                workload.name(), eRps / nRps, eP50 / nP50, eP99 / nP99, errors, noisy);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
