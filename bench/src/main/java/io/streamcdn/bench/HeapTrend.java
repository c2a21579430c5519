package io.streamcdn.bench;

import java.util.List;
import java.util.Locale;

/**
 * Whether a JVM's heap stayed flat over a load run, judged on each minute's floor (the lowest heap in use seen
 * in that minute, i.e. just after a collection): the first minute is the ramp-up and is left out; the heap is flat
 * when the last minutes' floor is within 20 % (or 16 MB, whichever is larger) of the floor after the ramp.
 */
final class HeapTrend {

    private static final double SLACK_BYTES = 16e6;

    private HeapTrend() {
    }

    static boolean flat(List<Double> minuteFloors) {
        if (minuteFloors.size() < 3) {
            return false;
        }
        double settled = minuteFloors.get(1);
        double end = Math.min(minuteFloors.get(minuteFloors.size() - 1), minuteFloors.get(minuteFloors.size() - 2));
        return end <= settled + Math.max(SLACK_BYTES, settled * 0.2);
    }

    static String describe(List<Double> minuteFloors) {
        StringBuilder text = new StringBuilder("floor of heap in use per minute (MB):");
        for (double floor : minuteFloors) {
            text.append(String.format(Locale.ROOT, " %.1f", floor / 1e6));
        }
        if (minuteFloors.size() >= 3) {
            double settled = minuteFloors.get(1);
            double last = minuteFloors.get(minuteFloors.size() - 1);
            text.append(String.format(Locale.ROOT, "; from minute 2 to the end %+.1f MB (%+.2f MB per minute)",
                    (last - settled) / 1e6, (last - settled) / 1e6 / (minuteFloors.size() - 2)));
        }
        return text.toString();
    }
}
