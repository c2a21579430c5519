package io.streamcdn.bench.qoe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A link's bandwidth over time, read from a trace file: one sample per line, {@code seconds<TAB>Mbps}; a
 * sample's bandwidth holds until the next sample's time. The trace is replayed from its start when it runs
 * out, so it has a period: the last sample's time plus the interval before it (how long the recorder
 * waited between samples), measured from the first sample.
 * <p>
 * {@link #bitsBetween} integrates the bandwidth exactly over any interval, so a shaper that asks it on
 * every tick delivers the trace's bytes whatever its tick jitter.
 */
public final class BandwidthTrace {

    private final String name;
    private final double[] starts;
    private final double[] mbps;
    private final double periodSeconds;
    /** Bits carried from 0 to each sample's start, then to the period's end: exact integrals by lookup. */
    private final double[] bitsBefore;

    public BandwidthTrace(String name, double[] starts, double[] mbps, double periodSeconds) {
        if (starts.length == 0 || starts.length != mbps.length) {
            throw new IllegalArgumentException("trace " + name + " has no samples");
        }
        if (starts[0] != 0) {
            throw new IllegalArgumentException("trace " + name + " must start at 0 s");
        }
        for (int i = 0; i < starts.length; i++) {
            if (i > 0 && !(starts[i] > starts[i - 1])) {
                throw new IllegalArgumentException("trace " + name + ": sample " + (i + 1) + " does not come after the one before");
            }
            if (!(mbps[i] >= 0) || Double.isInfinite(mbps[i])) {
                throw new IllegalArgumentException("trace " + name + ": sample " + (i + 1) + " has bandwidth " + mbps[i]);
            }
        }
        if (!(periodSeconds > starts[starts.length - 1])) {
            throw new IllegalArgumentException("trace " + name + ": period " + periodSeconds + " s ends before its last sample");
        }
        this.name = name;
        this.starts = starts.clone();
        this.mbps = mbps.clone();
        this.periodSeconds = periodSeconds;
        this.bitsBefore = new double[starts.length + 1];
        for (int i = 0; i < starts.length; i++) {
            double end = i + 1 < starts.length ? starts[i + 1] : periodSeconds;
            bitsBefore[i + 1] = bitsBefore[i] + mbps[i] * 1e6 * (end - starts[i]);
        }
    }

    public String name() {
        return name;
    }

    public double periodSeconds() {
        return periodSeconds;
    }

    public int samples() {
        return starts.length;
    }

    /** A constant link, for tests and the unshaped reference. */
    public static BandwidthTrace constant(double mbps) {
        return new BandwidthTrace(String.format(Locale.ROOT, "constant-%.3gMbps", mbps), new double[] {0},
                new double[] {mbps}, 1.0);
    }

    /**
     * Reads a trace file. Blank lines are skipped; anything else that is not two numbers (seconds, Mbps)
     * separated by whitespace is refused with its line number. Times are taken relative to the first sample.
     */
    public static BandwidthTrace read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<double[]> samples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected 'seconds<TAB>Mbps', got '" + line + "'");
            }
            try {
                samples.add(new double[] {Double.parseDouble(fields[0]), Double.parseDouble(fields[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": '" + line + "' is not two numbers");
            }
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no samples");
        }
        double first = samples.get(0)[0];
        double[] starts = new double[samples.size()];
        double[] mbps = new double[samples.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = samples.get(i)[0] - first;
            mbps[i] = samples.get(i)[1];
        }
        double lastInterval = starts.length > 1 ? starts[starts.length - 1] - starts[starts.length - 2] : 1.0;
        String name = file.getFileName().toString().replaceFirst("\\.tsv$", "");
        try {
            return new BandwidthTrace(name, starts, mbps, starts[starts.length - 1] + Math.max(lastInterval, 1e-3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The traces in {@code dir} and its sub-folders (every regular file not named README or LICENSE), in
     * name order, then {@code count} of them picked evenly across that order (all when count is 0 or more
     * than there are), so a small N still mixes the folders' kinds of network.
     */
    public static List<BandwidthTrace> readDir(Path dir, int count) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder of trace files");
        }
        List<Path> files;
        try (Stream<Path> all = Files.walk(dir)) {
            files = all.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().matches("(?i)(README|LICENSE).*"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(dir + " holds no trace files");
        }
        List<BandwidthTrace> picked = new ArrayList<>();
        int n = count <= 0 || count > files.size() ? files.size() : count;
        for (int i = 0; i < n; i++) {
            picked.add(read(files.get((int) ((long) i * files.size() / n))));
        }
        return List.copyOf(picked);
    }

    /** Bandwidth in Mbit/s at {@code seconds} from the start (replayed past the period). */
    public double mbpsAt(double seconds) {
        double t = seconds - Math.floor(seconds / periodSeconds) * periodSeconds;
        int i = Arrays.binarySearch(starts, t);
        return mbps[i >= 0 ? i : -i - 2];
    }

    /** Bits the link carries between {@code from} and {@code to} seconds after the start. */
    public double bitsBetween(double from, double to) {
        if (to <= from) {
            return 0;
        }
        return cumulativeBits(to) - cumulativeBits(from);
    }

    /** Mean bandwidth over one period, Mbit/s. */
    public double meanMbps() {
        return bitsBefore[starts.length] / periodSeconds / 1e6;
    }

    private double cumulativeBits(double seconds) {
        long loops = (long) Math.floor(seconds / periodSeconds);
        double within = seconds - loops * periodSeconds;
        int i = Arrays.binarySearch(starts, within);
        int sample = i >= 0 ? i : -i - 2;
        double partial = bitsBefore[sample] + mbps[sample] * 1e6 * (within - starts[sample]);
        return loops * bitsBefore[starts.length] + partial;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d samples, %.0f s, mean %.2f Mbit/s)", name, starts.length, periodSeconds, meanMbps());
    }
}
