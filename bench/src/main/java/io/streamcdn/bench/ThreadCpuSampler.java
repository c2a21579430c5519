package io.streamcdn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where the CPU goes, by thread name: samples /proc/self/task every 100 ms while a run is going and sums
 * each thread's last seen user+system time by its name. Native threads (x264's, the decoders') inherit the
 * name of the Java thread that started them, so {@code encode-480p} covers that rung's scaling and x264, and
 * the caller's thread covers demuxing, decoding and audio. Threads that live under 100 ms may be missed.
 */
final class ThreadCpuSampler implements AutoCloseable {

    private static final double TICKS_PER_SECOND = 100.0;

    private final Map<String, Long> ticksByTid = new HashMap<>();
    private final Map<String, String> nameByTid = new HashMap<>();
    private final Map<String, Long> baseline = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    ThreadCpuSampler() {
        sample();
        baseline.putAll(ticksByTid);
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private synchronized void sample() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    String tid = task.getFileName().toString();
                    ticksByTid.put(tid, ticks);
                    nameByTid.put(tid, name);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between listing and reading
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/task (Linux only)", e);
        }
    }

    /** CPU seconds per thread name since construction, largest first. */
    synchronized Map<String, Double> secondsByName() {
        sample();
        Map<String, Double> byName = new TreeMap<>();
        ticksByTid.forEach((tid, ticks) -> {
            long used = ticks - baseline.getOrDefault(tid, 0L);
            if (used > 0) {
                byName.merge(nameByTid.get(tid), used / TICKS_PER_SECOND, Double::sum);
            }
        });
        return byName;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
