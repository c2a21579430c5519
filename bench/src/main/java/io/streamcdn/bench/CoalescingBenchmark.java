package io.streamcdn.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Request coalescing on a cold object: {@code --clients} viewers ask at the same moment for one object
 * that neither cache has, from a {@link SlowOrigin} (headers after 300 ms, body trickled over 1 s). Once
 * through the streamcdn edge (one upstream fetch, every waiter streamed the bytes as they arrive) and once
 * through nginx as a caching proxy with {@code proxy_cache_lock on} (one fetch; the others wait for the
 * cached copy). Every round and side asks for a fresh object, so both caches are cold each time; the
 * sides alternate which goes first. One unmeasured round per side first warms up the edge's JVM.
 * <p>
 * Reported per side: upstream fetches (the origin's own count for that path), the waiters' time to the
 * first body byte and to the last, and whether every body was complete and identical to the origin's (compared byte for byte).
 */
@Command(name = "coalescing", mixinStandardHelpOptions = true,
        description = "Concurrent cold requests for one object: the edge's coalescing vs nginx's proxy_cache_lock.")
final class CoalescingBenchmark implements Callable<Integer> {

    private static final int BODY_BYTES = 1 << 20;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per side (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--clients", defaultValue = "200", description = "Concurrent cold requests per round (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--header-delay-ms", defaultValue = "300", description = "Origin's wait before its headers (default: ${DEFAULT-VALUE}).")
    int headerDelayMs;

    @Option(names = "--trickle-ms", defaultValue = "1000", description = "Time the origin takes to send the 1 MB body (default: ${DEFAULT-VALUE}).")
    int trickleMs;

    @Option(names = "--quiet-wait", defaultValue = "180",
            description = "Seconds to wait before each round for the machine to be idle (default: ${DEFAULT-VALUE}).")
    int quietWait;

    @Option(names = "--edge-jvm-opts", defaultValue = "", split = " ",
            description = "JVM flags for the edge process, space-separated (default: none).")
    List<String> edgeJvmOpts;

    /** One side's result for one round. */
    private record Round(String side, int upstreamFetches, List<ColdRush.Waiter> waiters, int complete,
                         boolean identical, String cpu) {

        double[] firstByte() {
            return waiters.stream().filter(w -> w.firstByteMs() >= 0).mapToDouble(ColdRush.Waiter::firstByteMs).toArray();
        }

        double[] total() {
            return waiters.stream().filter(w -> w.totalMs() >= 0).mapToDouble(ColdRush.Waiter::totalMs).toArray();
        }

        @Override
        public String toString() {
            double[] ttfb = firstByte();
            double[] total = total();
            return String.format(Locale.ROOT, "%-5s upstream fetches %d  TTFB p50 %6.0f  p99 %6.0f  max %6.0f ms  "
                            + "total p50 %6.0f  p99 %6.0f ms  complete %d/%d  identical %s",
                    side, upstreamFetches, percentile(ttfb, 50), percentile(ttfb, 99), percentile(ttfb, 100),
                    percentile(total, 50), percentile(total, 99), complete, waiters.size(), identical ? "yes" : "NO")
                    + (cpu.isEmpty() ? "" : "  (" + cpu + ")");
        }
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("streamcdn-coalescing");
        try (SlowOrigin origin = SlowOrigin.start(BODY_BYTES, Duration.ofMillis(headerDelayMs), Duration.ofMillis(trickleMs));
             Nginx nginx = Nginx.start(work.resolve("nginx"), EdgeVsNginxBenchmark.freePort(),
                     nginxCache(work.resolve("nginx-cache")), nginxProxy(origin.port()));
             EdgeProcess edge = EdgeProcess.start(work.resolve("edge"), URI.create("http://127.0.0.1:" + origin.port()),
                     edgeJvmOpts.stream().filter(flag -> !flag.isBlank()).toList(), false)) {
            System.out.printf(Locale.ROOT, "machine: %d cores; %d concurrent cold requests per round for one 1 MB "
                            + "object; origin: headers after %d ms, body over %d ms; edge: separate JVM, defaults%n",
                    Runtime.getRuntime().availableProcessors(), clients, headerDelayMs, trickleMs);
            String nginxBase = "http://127.0.0.1:" + nginx.port();
            System.out.println("warm-up (not counted):");
            System.out.println("  " + rush("edge", edge.url(""), edge.pid(), origin, "warmupedge"));
            System.out.println("  " + rush("nginx", nginxBase, nginx.pid(), origin, "warmupnginx"));
            List<Round> edgeRounds = new ArrayList<>();
            List<Round> nginxRounds = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                String suffix = String.format(Locale.ROOT, "%02d", round);
                System.out.println("round " + round + ":");
                if (round % 2 == 1) {
                    edgeRounds.add(print(rush("edge", edge.url(""), edge.pid(), origin, "coldedge" + suffix)));
                    nginxRounds.add(print(rush("nginx", nginxBase, nginx.pid(), origin, "coldnginx" + suffix)));
                } else {
                    nginxRounds.add(print(rush("nginx", nginxBase, nginx.pid(), origin, "coldnginx" + suffix)));
                    edgeRounds.add(print(rush("edge", edge.url(""), edge.pid(), origin, "coldedge" + suffix)));
                }
            }
            System.out.println();
            System.out.println("all rounds pooled (" + rounds + " x " + clients + " waiters per side):");
            System.out.println("  " + pooled("edge", edgeRounds));
            System.out.println("  " + pooled("nginx", nginxRounds));
        } finally {
            Folders.delete(work);
        }
        return 0;
    }

    private static Round print(Round round) {
        System.out.println("  " + round);
        return round;
    }

    /**
     * The clients ask for {@code /videos/<videoId>/seg-00001.m4s}, a name neither cache has seen, once the
     * machine is idle; the CPU used meanwhile is accounted (the driver's share is the 200 clients and the
     * slow origin).
     */
    private Round rush(String side, String base, long serverPid, SlowOrigin origin, String videoId) throws Exception {
        String path = "/videos/" + videoId + "/seg-00001.m4s";
        byte[] expected = SlowOrigin.body(path, BODY_BYTES);
        CpuLedger.awaitQuiet(0.15, Duration.ofSeconds(quietWait));
        CpuLedger.Snapshot before = CpuLedger.take(serverPid);
        List<ColdRush.Waiter> waiters = ColdRush.run(base + path, expected, clients, Duration.ofSeconds(60));
        CpuLedger.Usage cpu = CpuLedger.between(before, CpuLedger.take(serverPid));
        int complete = (int) waiters.stream().filter(w -> w.complete(BODY_BYTES)).count();
        // Identical: every body is the origin's, byte for byte (so all of them are the same).
        boolean identical = complete == waiters.size();
        for (ColdRush.Waiter waiter : waiters) {
            if (waiter.error() != null || waiter.status() != 200) {
                System.out.printf(Locale.ROOT, "  %s: a waiter got %d, %d bytes: %s%n", side, waiter.status(),
                        waiter.bytes(), waiter.error());
                break; // one example is enough; the count is in the summary line
            }
        }
        return new Round(side, origin.requests(path), waiters, complete, identical,
                String.format(Locale.ROOT, "cpu s: server %.2f, driver %.2f, other %.2f", cpu.server(), cpu.driver(),
                        cpu.other()));
    }

    private static String pooled(String side, List<Round> rounds) {
        List<ColdRush.Waiter> all = rounds.stream().flatMap(r -> r.waiters().stream()).toList();
        int fetches = rounds.stream().mapToInt(Round::upstreamFetches).sum();
        int complete = rounds.stream().mapToInt(Round::complete).sum();
        boolean identical = rounds.stream().allMatch(Round::identical);
        return new Round(side, fetches, all, complete, identical, "").toString()
                + String.format(Locale.ROOT, "  (upstream fetches per round: %s)",
                rounds.stream().map(r -> Integer.toString(r.upstreamFetches())).toList());
    }

    private static String nginxCache(Path dir) {
        return "proxy_cache_path " + dir + " levels=1:2 keys_zone=bench:10m max_size=1g inactive=1h use_temp_path=off;";
    }

    /** nginx's documented way to coalesce misses: proxy_cache_lock, with timeouts far above the fill time. */
    private static String nginxProxy(int originPort) {
        return """
                location /videos/ {
                      proxy_pass http://127.0.0.1:%d;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_cache bench;
                      proxy_cache_valid 200 1h;
                      proxy_cache_lock on;
                      proxy_cache_lock_timeout 60s;
                      proxy_cache_lock_age 60s;
                      add_header X-Cache $upstream_cache_status;
                    }""".formatted(originPort);
    }

    /** Nearest-rank percentile; 100 is the maximum. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
