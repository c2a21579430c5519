package io.streamcdn.bench;

import io.streamcdn.router.RouterServer;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The router's redirect (issue 5): {@code GET /videos/{id}/...} answered with a 302 to the chosen edge, by
 * the streamcdn router (its own JVM, defaults, 10 edges registered from a file and health-checked, MaxMind
 * GeoIP on, X-Forwarded-For believed from 127.0.0.1, log level WARN) against Debian's nginx answering every
 * such request with {@code return 302} (no decision at all: the floor any HTTP server pays for a redirect).
 * Both get the same requests: 1,000 video ids, each from every GeoIP test address.
 * <p>
 * Two measurements, alternating the servers round by round:
 * <ul>
 *   <li>throughput: wrk, 64 connections, closed loop (as fast as each server answers);</li>
 *   <li>latency at a fixed 5,000 requests/s: {@link OpenLoopLoad}, open loop, corrected for coordinated
 *       omission (wrk has no rate control).</li>
 * </ul>
 * Checks that keep it honest: before measuring, every request of the sequence is sent once to the router
 * (302, Location = the named edge's URL + the asked path, each address sent to the edges near it and spread
 * over them by the hashing) and a sample to nginx; one unmeasured wrk run per server counts 302s with a Lua
 * response hook. In every measured router round the router's own count of 302s on {@code /videos/} grows by
 * at least wrk's (or the generator's) response count and nothing else is answered there; in every nginx
 * round its stub_status request count grows by at least wrk's. Each round waits for an idle machine and
 * records who used the CPU ({@link CpuLedger}); rounds where other processes used > 5 % are flagged NOISY.
 */
@Command(name = "router-vs-nginx", mixinStandardHelpOptions = true,
        description = "The router's 302 (10 edges, GeoIP) vs nginx's return 302: throughput (wrk) and latency at a fixed rate.")
final class RouterVsNginxBenchmark implements Callable<Integer> {

    private static final double QUIET_CORES = 0.15;
    private static final double NOISY_SHARE = 0.05;
    /** Where the router should send each test address: the edges within 500 km of its nearest. */
    private static final Map<String, Set<String>> EXPECTED = Map.of(
            "81.2.69.142", Set.of("edge-london", "edge-paris", "edge-amsterdam"),
            "2.125.160.217", Set.of("edge-london", "edge-paris", "edge-amsterdam"),
            "89.160.20.115", Set.of("edge-stockholm", "edge-oslo"),
            "216.160.83.57", Set.of("edge-seattle", "edge-portland"),
            "175.16.199.10", Set.of("edge-seoul", "edge-beijing"));

    // Five, not the three the issue asks at least: this VM's speed swings from minute to minute, for nginx too.
    @Option(names = "--rounds", defaultValue = "5", description = "Measured wrk rounds per server (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of one wrk round (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "20",
            description = "Unmeasured wrk run per server first, for the router's JIT (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--wrk-threads", defaultValue = "2", description = "wrk threads (default: ${DEFAULT-VALUE}).")
    int wrkThreads;

    @Option(names = "--videos", defaultValue = "1000", description = "Distinct video ids (default: ${DEFAULT-VALUE}).")
    int videos;

    @Option(names = "--rate", defaultValue = "5000", description = "Requests/s of the fixed-rate rounds (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--rate-rounds", defaultValue = "3", description = "Fixed-rate rounds per server (default: ${DEFAULT-VALUE}).")
    int rateRounds;

    @Option(names = "--rate-seconds", defaultValue = "20", description = "Measured length of one fixed-rate round (default: ${DEFAULT-VALUE}).")
    int rateSeconds;

    @Option(names = "--rate-warmup-seconds", defaultValue = "3",
            description = "Unrecorded start of each fixed-rate round (default: ${DEFAULT-VALUE}).")
    int rateWarmupSeconds;

    @Option(names = "--rate-connections", defaultValue = "32",
            description = "Connections of the fixed-rate generator, one request in flight each (default: ${DEFAULT-VALUE}).")
    int rateConnections;

    @Option(names = "--geoip", defaultValue = "../shared/geoip/GeoLite2-City-Test.mmdb",
            description = "MaxMind City database for the router (default: ${DEFAULT-VALUE}, MaxMind's test database).")
    Path geoip;

    @Option(names = "--router-jvm-opts", defaultValue = "", split = " ",
            description = "JVM flags for the router process, space-separated (default: none, the JVM's defaults).")
    List<String> routerJvmOpts;

    @Option(names = "--quiet-wait", defaultValue = "180",
            description = "Seconds to wait before each round for the machine to be idle (default: ${DEFAULT-VALUE}).")
    int quietWait;

    /** One measured wrk round of one server. */
    private record Measured(Wrk.Result wrk, CpuLedger.Usage cpu, Tally served, boolean noisy) {
        double cpuPerThousand() {
            return wrk.requests() == 0 ? 0 : 1e6 * cpu.server() / wrk.requests();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s  server cpu %.1f ms/1000 req  (%s%s)%s", wrk, cpuPerThousand(), cpu,
                    served.gc(), noisy ? "  NOISY: other processes used the CPU" : "");
        }
    }

    /** One fixed-rate round of one server. */
    private record Paced(OpenLoopLoad.Result load, CpuLedger.Usage cpu, Tally served, boolean noisy) {
        double cpuPerThousand() {
            return served.redirects() == 0 ? 0 : 1e6 * cpu.server() / served.redirects();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s  server cpu %.1f ms/1000 req  (%s%s)%s", load, cpuPerThousand(), cpu,
                    served.gc(), noisy ? "  NOISY: other processes used the CPU" : "");
        }
    }

    /** A server under test, with its own count of the redirects it answered. */
    private interface Server {
        String name();

        int port();

        long pid();

        /**
         * 302s answered on {@code /videos/} so far, by the server's own count (fails if it ever answered
         * anything else there), and GC pauses so far (none for nginx). Across a round the redirects must grow
         * by at least what the client counted.
         */
        Tally tally() throws IOException, InterruptedException;
    }

    /** What a server counted so far; GC figures are 0 for nginx, which has no collector. */
    private record Tally(long redirects, double gcPauses, double gcPauseSeconds) {
        Tally minus(Tally before) {
            return new Tally(redirects - before.redirects, gcPauses - before.gcPauses, gcPauseSeconds - before.gcPauseSeconds);
        }

        String gc() {
            return gcPauses == 0 ? "" : String.format(Locale.ROOT, "; GC: %.0f pauses, %.0f ms", gcPauses, 1000 * gcPauseSeconds);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(geoip)) {
            throw new IllegalArgumentException("--geoip " + geoip.toAbsolutePath() + " is not readable; give the path of "
                    + "GeoLite2-City-Test.mmdb (MaxMind's test database, in the shared test data)");
        }
        RedirectWorkload workload = new RedirectWorkload(videos);
        Path work = Files.createTempDirectory("streamcdn-router-vs-nginx");
        try (StandInEdges edges = StandInEdges.start()) {
            compare(work, workload, edges);
        } finally {
            Folders.delete(work);
        }
        return 0;
    }

    private void compare(Path work, RedirectWorkload workload, StandInEdges edges) throws Exception {
        Path edgesFile = edges.writeEdgesFile(work.resolve("edges.json"));
        Path script = workload.writeWrkScript(work.resolve("redirects.lua"), false);
        Path checking = workload.writeWrkScript(work.resolve("redirects-counted.lua"), true);
        int routerPort = RoleProcess.freePort();
        List<String> flags = List.of("--host", "127.0.0.1", "--port", Integer.toString(routerPort),
                "--edges", edgesFile.toString(), "--geoip", geoip.toAbsolutePath().toString(),
                "--trusted-proxies", "127.0.0.1/32");
        List<String> jvmFlags = routerJvmOpts.stream().filter(flag -> !flag.isBlank()).toList();
        try (Nginx nginx = Nginx.start(work.resolve("nginx"), RoleProcess.freePort(), "",
                "location /videos/ { return 302 " + edges.url(0) + "$request_uri; } " + NginxStubStatus.LOCATION);
             RoleProcess router = RoleProcess.start("router", work.resolve("router"), RouterServer.class, routerPort,
                     jvmFlags, flags, "WARN")) {
            awaitAvailable(router, edges.size());
            printSetup(router, flags, jvmFlags, workload);
            verifyRouter(router, workload);
            verifyNginx(nginx, workload, edges.url(0));
            Server routerSide = routerServer(router);
            Server nginxSide = nginxServer(nginx);
            countRedirectsUnderLoad(nginxSide, checking);
            countRedirectsUnderLoad(routerSide, checking);

            String throughput = throughput(nginxSide, routerSide, script);
            String latency = latency(nginxSide, routerSide, workload);
            System.out.println();
            System.out.printf(Locale.ROOT, "summary (targets: router >= 0.7x nginx's req/s; router p99 <= 2 ms at %.0f req/s)%n",
                    rate);
            System.out.println(throughput);
            System.out.println(latency);
            System.out.printf(Locale.ROOT, "stand-in edges answered %d health checks during the run%n", edges.healthChecks());
        }
    }

    private void printSetup(RoleProcess router, List<String> flags, List<String> jvmFlags, RedirectWorkload workload) {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s; wrk -c %d -t %d, %d s rounds (+%d s unmeasured warm-up), "
                        + "%d rounds; fixed rate %.0f req/s on %d connections, %d s rounds (+%d s unrecorded), %d rounds%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), connections, wrkThreads, seconds, warmupSeconds, rounds, rate,
                rateConnections, rateSeconds, rateWarmupSeconds, rateRounds);
        System.out.printf(Locale.ROOT, "router: separate JVM (pid %d), JVM flags %s, log level WARN, flags %s%n",
                router.pid(), jvmFlags.isEmpty() ? "none" : jvmFlags, String.join(" ", flags));
        System.out.printf(Locale.ROOT, "nginx: worker_processes auto, access_log off, location /videos/ { return 302 ...; }%n");
        System.out.printf(Locale.ROOT, "requests: %d video ids x %d GeoIP test addresses as X-Forwarded-For (%s)%n",
                videos, RedirectWorkload.ADDRESSES.size(), String.join(", ", RedirectWorkload.PLACES));
    }

    /** Waits until the router's /api/edges shows every edge available (after its first health check). */
    private static void awaitAvailable(RoleProcess router, int edges) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int available = 0;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(router.url("/api/edges"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            available = (int) new JsonObject(response.body()).getJsonArray("edges").stream()
                    .filter(e -> ((JsonObject) e).getBoolean("available", false)).count();
            if (available == edges) {
                System.out.printf(Locale.ROOT, "router: all %d edges available%n", edges);
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("only " + available + " of " + edges + " edges became available; see " + router.log());
    }

    /**
     * Sends the whole request sequence once: every answer must be a 302 to the named edge's URL plus the
     * asked path, each address must be sent only to the edges near it and to more than one of them (the
     * hashing decides, not a group of one), and one video from one address must always get the same edge.
     */
    private static void verifyRouter(RoleProcess router, RedirectWorkload workload) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Map<String, Map<String, Integer>> byAddress = new TreeMap<>();
        Map<String, String> firstChoice = new HashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < workload.size(); k++) {
                String path = workload.path(k);
                String address = workload.address(k);
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(router.url(path)))
                        .header("X-Forwarded-For", address).build(), HttpResponse.BodyHandlers.discarding());
                String edge = response.headers().firstValue("X-Edge").orElse("");
                String location = response.headers().firstValue("Location").orElse("");
                if (response.statusCode() != 302 || !location.startsWith("http://127.0.0.1:") || !location.endsWith(path)
                        || location.length() == path.length()) {
                    throw new IllegalStateException("the router answered " + path + " from " + address + " with "
                            + response.statusCode() + ", Location " + location);
                }
                if (!EXPECTED.get(address).contains(edge)) {
                    throw new IllegalStateException("the router sent " + address + " to " + edge + ", not one of "
                            + EXPECTED.get(address));
                }
                String previous = firstChoice.putIfAbsent(address + path, edge);
                if (previous != null && !previous.equals(edge)) {
                    throw new IllegalStateException("the router sent " + address + " for " + path + " to " + previous
                            + ", then to " + edge);
                }
                if (pass == 0) {
                    byAddress.computeIfAbsent(address, a -> new TreeMap<>()).merge(edge, 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "router check: %d requests (the sequence twice), every one a 302 to the same "
                + "edge both times, Location = edge URL + path; where each address went:%n", 2 * workload.size());
        for (Map.Entry<String, Map<String, Integer>> entry : byAddress.entrySet()) {
            if (entry.getValue().size() < 2) {
                throw new IllegalStateException(entry.getKey() + " was sent to one edge only: " + entry.getValue());
            }
            String place = RedirectWorkload.PLACES.get(RedirectWorkload.ADDRESSES.indexOf(entry.getKey()));
            System.out.printf(Locale.ROOT, "  %-15s %-14s %s%n", entry.getKey(), "(" + place + ")", entry.getValue().entrySet()
                    .stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
    }

    private static void verifyNginx(Nginx nginx, RedirectWorkload workload, String target) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        for (int k = 0; k < workload.size(); k += 97) {
            String path = workload.path(k);
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port() + path))
                    .header("X-Forwarded-For", workload.address(k)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 302 || !response.headers().firstValue("Location").orElse("").equals(target + path)) {
                throw new IllegalStateException("nginx answered " + path + " with " + response.statusCode() + ", Location "
                        + response.headers().firstValue("Location").orElse(""));
            }
        }
        System.out.println("nginx check: a sample of the sequence, every one a 302 to " + target + " + path");
    }

    /** An unmeasured wrk run whose Lua response hook counts 302s with a well-formed Location. */
    private void countRedirectsUnderLoad(Server server, Path checking) throws Exception {
        String report = Wrk.report("http://127.0.0.1:" + server.port() + "/", connections, wrkThreads, 5, checking);
        Wrk.Result result = Wrk.parse(report);
        Matcher m = Pattern.compile("streamcdn-check: 302 (\\d+) other (\\d+) bad-location (\\d+)").matcher(report);
        if (!m.find()) {
            throw new IllegalStateException("wrk's counting script printed nothing:\n" + report);
        }
        long redirects = Long.parseLong(m.group(1));
        long others = Long.parseLong(m.group(2));
        long bad = Long.parseLong(m.group(3));
        if (others != 0 || bad != 0 || redirects < result.requests() || result.socketErrors() != 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "%s under load: wrk counted %d responses, its hook "
                    + "%d 302s, %d others, %d bad Locations, %d socket errors", server.name(), result.requests(),
                    redirects, others, bad, result.socketErrors()));
        }
        System.out.printf(Locale.ROOT, "%s under wrk (5 s, unmeasured, Lua response hook): %d responses, all 302 with an "
                + "edge Location (%.0f req/s with the hook)%n", server.name(), redirects, result.requestsPerSecond());
    }

    private String throughput(Server nginx, Server router, Path script) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "throughput: unmeasured warm-up of %d s per server%n", warmupSeconds);
        if (warmupSeconds > 0) {
            Wrk.run("http://127.0.0.1:" + nginx.port() + "/", connections, wrkThreads, warmupSeconds, script);
            Wrk.run("http://127.0.0.1:" + router.port() + "/", connections, wrkThreads, warmupSeconds, script);
        }
        List<Measured> nginxRounds = new ArrayList<>();
        List<Measured> routerRounds = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Measured n;
            Measured r;
            if (round % 2 == 1) {
                n = wrkRound(nginx, script);
                r = wrkRound(router, script);
            } else {
                r = wrkRound(router, script);
                n = wrkRound(nginx, script);
            }
            nginxRounds.add(n);
            routerRounds.add(r);
            System.out.printf(Locale.ROOT, "throughput round %d  nginx  %s%n", round, n);
            System.out.printf(Locale.ROOT, "throughput round %d  router %s%n", round, r);
            System.out.printf(Locale.ROOT, "throughput round %d  router/nginx: req/s %.3fx, p50 %.3fx, p99 %.3fx%n", round,
                    r.wrk().requestsPerSecond() / n.wrk().requestsPerSecond(), r.wrk().p50Ms() / n.wrk().p50Ms(),
                    r.wrk().p99Ms() / n.wrk().p99Ms());
        }
        double nRps = median(nginxRounds, m -> m.wrk().requestsPerSecond());
        double rRps = median(routerRounds, m -> m.wrk().requestsPerSecond());
        long noisy = nginxRounds.stream().filter(Measured::noisy).count() + routerRounds.stream().filter(Measured::noisy).count();
        long errors = nginxRounds.stream().mapToLong(m -> m.wrk().non2xx() + m.wrk().socketErrors()).sum()
                + routerRounds.stream().mapToLong(m -> m.wrk().non2xx() + m.wrk().socketErrors()).sum();
        return String.format(Locale.ROOT, "throughput  nginx  %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms  cpu %5.1f ms/1000 req%n"
                        + "throughput  router %8.0f req/s  p50 %6.3f ms  p99 %6.3f ms  cpu %5.1f ms/1000 req%n"
                        + "throughput  router/nginx: req/s %.3fx (medians of %d rounds; status >= 400 + socket errors: %d; "
                        + "noisy rounds: %d)",
                nRps, median(nginxRounds, m -> m.wrk().p50Ms()), median(nginxRounds, m -> m.wrk().p99Ms()),
                median(nginxRounds, Measured::cpuPerThousand),
                rRps, median(routerRounds, m -> m.wrk().p50Ms()), median(routerRounds, m -> m.wrk().p99Ms()),
                median(routerRounds, Measured::cpuPerThousand), rRps / nRps, rounds, errors, noisy);
    }

    private Measured wrkRound(Server server, Path script) throws Exception {
        CpuLedger.awaitQuiet(QUIET_CORES, Duration.ofSeconds(quietWait));
        Tally tally = server.tally();
        CpuLedger.Snapshot before = CpuLedger.take(server.pid());
        long started = System.nanoTime();
        Wrk.Result result = Wrk.run("http://127.0.0.1:" + server.port() + "/", connections, wrkThreads, seconds, script);
        double elapsed = (System.nanoTime() - started) / 1e9;
        CpuLedger.Usage usage = CpuLedger.between(before, CpuLedger.take(server.pid()));
        Tally served = server.tally().minus(tally);
        requireRedirects(server, served.redirects(), result.requests());
        return new Measured(result, usage, served, noisy(usage, elapsed));
    }

    private String latency(Server nginx, Server router, RedirectWorkload workload) throws Exception {
        System.out.println();
        System.out.printf(Locale.ROOT, "latency at a fixed %.0f req/s (open loop, %d connections; latency from the due "
                + "time when the connection was held up by a late answer, else from the write)%n", rate, rateConnections);
        List<Paced> nginxRounds = new ArrayList<>();
        List<Paced> routerRounds = new ArrayList<>();
        for (int round = 1; round <= rateRounds; round++) {
            Paced n;
            Paced r;
            if (round % 2 == 1) {
                n = pacedRound(nginx, workload);
                r = pacedRound(router, workload);
            } else {
                r = pacedRound(router, workload);
                n = pacedRound(nginx, workload);
            }
            nginxRounds.add(n);
            routerRounds.add(r);
            System.out.printf(Locale.ROOT, "latency round %d  nginx  %s%n", round, n);
            System.out.printf(Locale.ROOT, "latency round %d  router %s%n", round, r);
        }
        return pooled("", "nginx ", nginxRounds) + "\n" + pooled("", "router", routerRounds)
                + clean("nginx ", nginxRounds) + clean("router", routerRounds);
    }

    /**
     * The same figures over the rounds no other process disturbed, when some were: on a shared VM one burst of
     * another tenant's work in one round sets the pooled p99 of all rounds, for nginx as for the router.
     */
    private String clean(String name, List<Paced> rounds) {
        List<Paced> clean = rounds.stream().filter(p -> !p.noisy()).toList();
        if (clean.isEmpty() || clean.size() == rounds.size()) {
            return "";
        }
        return "\n" + pooled("clean rounds only, ", name, clean);
    }

    private Paced pacedRound(Server server, RedirectWorkload workload) throws Exception {
        CpuLedger.awaitQuiet(QUIET_CORES, Duration.ofSeconds(quietWait));
        Tally tally = server.tally();
        CpuLedger.Snapshot before = CpuLedger.take(server.pid());
        long started = System.nanoTime();
        OpenLoopLoad.Result result = OpenLoopLoad.run(server.port(), workload, rate, rateConnections, rateWarmupSeconds,
                rateSeconds);
        double elapsed = (System.nanoTime() - started) / 1e9;
        CpuLedger.Usage usage = CpuLedger.between(before, CpuLedger.take(server.pid()));
        Tally served = server.tally().minus(tally);
        requireRedirects(server, served.redirects(), result.responses());
        if (result.others() != 0 || result.badLocations() != 0 || result.errors() != 0 || result.behindAtEnd() != 0) {
            throw new IllegalStateException(server.name() + " at a fixed rate: " + result);
        }
        // The server's CPU is charged to every answer it gave in the round, the unrecorded start included.
        return new Paced(result, usage, served, noisy(usage, elapsed));
    }

    /** All rounds' latencies together (each round's histogram merged), with the per-round achieved rate. */
    private String pooled(String label, String name, List<Paced> rounds) {
        Histogram all = new Histogram(60_000_000_000L, 3);
        Histogram fromDue = new Histogram(60_000_000_000L, 3);
        for (Paced p : rounds) {
            all.add(p.load().latency());
            fromDue.add(p.load().fromDue());
        }
        long noisy = rounds.stream().filter(Paced::noisy).count();
        Tally gc = new Tally(0, rounds.stream().mapToDouble(p -> p.served().gcPauses()).sum(),
                rounds.stream().mapToDouble(p -> p.served().gcPauseSeconds()).sum());
        return label + String.format(Locale.ROOT, "at %.0f req/s  %s  p50 %6.3f ms  p99 %6.3f ms  p99.9 %6.3f ms  max %7.3f ms  "
                        + "(all %d responses of %d rounds; from due: p99 %.3f ms, p99.9 %.3f ms; server cpu %.1f ms/1000 req, "
                        + "median%s; noisy rounds: %d)",
                rate, name, all.getValueAtPercentile(50) / 1e6, all.getValueAtPercentile(99) / 1e6,
                all.getValueAtPercentile(99.9) / 1e6, all.getMaxValue() / 1e6, all.getTotalCount(), rounds.size(),
                fromDue.getValueAtPercentile(99) / 1e6, fromDue.getValueAtPercentile(99.9) / 1e6,
                median(rounds, Paced::cpuPerThousand), gc.gc(), noisy);
    }

    private static boolean noisy(CpuLedger.Usage usage, double elapsedSeconds) {
        return usage.other() > NOISY_SHARE * Runtime.getRuntime().availableProcessors() * elapsedSeconds;
    }

    private static <T> double median(List<T> rounds, ToDoubleFunction<T> value) {
        return EdgeVsNginxBenchmark.median(rounds.stream().mapToDouble(value).toArray());
    }

    /** Responses still in flight when the client stops are counted by the server, not by the client. */
    private static void requireRedirects(Server server, long served, long counted) {
        if (served < counted) {
            throw new IllegalStateException(server.name() + " counted " + served + " redirects in the round, the client "
                    + counted + " responses");
        }
    }

    private static Server routerServer(RoleProcess router) {
        String metrics = router.url("/metrics");
        return new Server() {
            @Override
            public String name() {
                return "router";
            }

            @Override
            public int port() {
                return router.port();
            }

            @Override
            public long pid() {
                return router.pid();
            }

            @Override
            public Tally tally() throws IOException, InterruptedException {
                RouterCounters counters = RouterCounters.scrape(metrics);
                if (counters.otherAnswers() != 0 || counters.decisions() < counters.redirects()) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "the router answered /videos/ other than "
                                    + "with 302: %.0f 302s, %.0f other answers, %.0f redirect decisions", counters.redirects(),
                            counters.otherAnswers(), counters.decisions()));
                }
                return new Tally((long) counters.redirects(), counters.gcPauses(), counters.gcPauseSeconds());
            }
        };
    }

    /** nginx's stub_status counts every request; the ones for the status page itself are subtracted. */
    private static Server nginxServer(Nginx nginx) {
        String status = "http://127.0.0.1:" + nginx.port() + "/nginx_status";
        return new Server() {
            private long statusRequests;

            @Override
            public String name() {
                return "nginx";
            }

            @Override
            public int port() {
                return nginx.port();
            }

            @Override
            public long pid() {
                return nginx.pid();
            }

            @Override
            public Tally tally() throws IOException, InterruptedException {
                statusRequests++;
                return new Tally(NginxStubStatus.requests(status) - statusRequests, 0, 0);
            }
        };
    }
}
