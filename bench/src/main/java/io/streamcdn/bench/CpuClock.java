package io.streamcdn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds used by this JVM (all threads, native x264 threads included) and by its finished children,
 * from /proc/self/stat: comparing the two tools on CPU as well as wall time shows whether a difference
 * comes from doing less work or from using the cores better.
 */
final class CpuClock {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private CpuClock() {
    }

    /** user + system seconds of this process. */
    static double self() {
        String[] f = fields();
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
    }

    /** user + system seconds of this process's children that have been waited for. */
    static double children() {
        String[] f = fields();
        return (Long.parseLong(f[15]) + Long.parseLong(f[16])) / TICKS_PER_SECOND;
    }

    private static String[] fields() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            String[] tail = rest.trim().split("\\s+");
            String[] all = new String[tail.length + 2];
            System.arraycopy(tail, 0, all, 2, tail.length);
            return all;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat (Linux only)", e);
        }
    }
}
