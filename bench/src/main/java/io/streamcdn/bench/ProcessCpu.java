package io.streamcdn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time of a process and its descendants (nginx's workers are children of its master), from
 * {@code /proc/<pid>/stat}: what a server spent serving a round, whichever cores it ran on.
 */
final class ProcessCpu {

    /** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** User + system CPU seconds used so far by {@code pid} and the processes under it that are alive. */
    static double seconds(long pid) {
        ProcessHandle root = ProcessHandle.of(pid).orElse(null);
        if (root == null) {
            return 0;
        }
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> ticks(p.pid())).sum()
                / TICKS_PER_SECOND;
    }

    /** CPU seconds used so far by the threads of {@code pid} whose names start with {@code prefix}. */
    static double threadSeconds(long pid, String prefix) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long total = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith(prefix)) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        total += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException gone) {
            return 0;
        }
        return total / TICKS_PER_SECOND;
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
