package io.streamcdn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Who used the machine's CPU during a measured round: the server under test (with its child processes),
 * wrk (a child of this JVM, reaped when it ends, so its time lands in our {@code cutime}), this driver,
 * and everything else. Two cores are shared by server and load generator, so "everything else" (another
 * build, a test suite) changes the result; a round where it is large is flagged rather than trusted.
 * All figures come from {@code /proc}, in seconds of CPU.
 */
final class CpuLedger {

    /** Linux's USER_HZ, the unit of /proc's tick counts on every mainstream architecture. */
    private static final double TICKS_PER_SECOND = 100;

    /** CPU time used so far, by party. */
    record Snapshot(double machineBusy, double server, double driver, double reapedChildren) {
    }

    /** CPU used between two snapshots, by party; {@code other} is what none of ours used. */
    record Usage(double server, double wrk, double driver, double other) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cpu s: server %.1f, wrk %.1f, driver %.1f, other %.1f",
                    server, wrk, driver, other);
        }
    }

    private CpuLedger() {
    }

    static Snapshot take(long serverPid) {
        long[] self = selfTicks();
        return new Snapshot(machineBusyTicks() / TICKS_PER_SECOND, ProcessCpu.seconds(serverPid),
                self[0] / TICKS_PER_SECOND, self[1] / TICKS_PER_SECOND);
    }

    static Usage between(Snapshot before, Snapshot after) {
        double server = after.server() - before.server();
        double wrk = after.reapedChildren() - before.reapedChildren();
        double driver = after.driver() - before.driver();
        double other = after.machineBusy() - before.machineBusy() - server - wrk - driver;
        return new Usage(server, wrk, driver, Math.max(0, other));
    }

    /**
     * Waits, up to {@code patience}, for a second in which the machine is nearly idle (under
     * {@code maxBusyCores} busy); returns the busy cores of the last second sampled.
     */
    static double awaitQuiet(double maxBusyCores, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        double busy;
        do {
            long before = machineBusyTicks();
            Thread.sleep(1000);
            busy = (machineBusyTicks() - before) / TICKS_PER_SECOND;
        } while (busy > maxBusyCores && System.nanoTime() < deadline);
        return busy;
    }

    /** Busy ticks of all cores: the {@code cpu} line of /proc/stat less idle and iowait. */
    private static long machineBusyTicks() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] fields = line.trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }

    /** This JVM's own ticks (utime + stime) and its reaped children's (cutime + cstime). */
    private static long[] selfTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[]{Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat", e);
        }
    }
}
