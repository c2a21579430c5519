package io.streamcdn.bench.qoe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An empirical CDF of one value per session, one step line per series, written as a self-contained SVG
 * (no plotting library: a few axes, lines and labels are all a results page needs). For a QoE plot a
 * curve further right is better; where two curves cross, one ABR wins the easy networks and the other
 * the hard ones.
 */
public final class CdfPlot {

    static final int WIDTH = 720;
    static final int HEIGHT = 440;
    static final int LEFT = 70;
    static final int RIGHT = 20;
    static final int TOP = 40;
    static final int BOTTOM = 60;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};

    private final String title;
    private final String xLabel;
    private final Map<String, double[]> series = new LinkedHashMap<>();

    public CdfPlot(String title, String xLabel) {
        this.title = title;
        this.xLabel = xLabel;
    }

    /** Adds a series; NaN values are left out. */
    public CdfPlot series(String label, double[] values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            throw new IllegalArgumentException("series '" + label + "' has no finite values");
        }
        series.put(label, finite);
        return this;
    }

    public String svg() {
        if (series.isEmpty()) {
            throw new IllegalStateException("a CDF plot needs at least one series");
        }
        double min = series.values().stream().mapToDouble(v -> v[0]).min().orElseThrow();
        double max = series.values().stream().mapToDouble(v -> v[v.length - 1]).max().orElseThrow();
        double[] ticks = ticks(min, max);
        double lo = ticks[0];
        double hi = ticks[ticks.length - 1];
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>%n",
                WIDTH / 2, escape(title)));
        // Grid and axes.
        for (double tick : ticks) {
            double x = LEFT + (tick - lo) / (hi - lo) * plotWidth;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, TOP, x, HEIGHT - BOTTOM));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, HEIGHT - BOTTOM + 18, label(tick)));
        }
        for (int i = 0; i <= 4; i++) {
            double y = HEIGHT - BOTTOM - i / 4.0 * plotHeight;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 8, y + 4, label(i / 4.0)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT, TOP, plotWidth, plotHeight));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotWidth / 2, HEIGHT - 18, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">"
                + "fraction of sessions</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
        // One step line per series, and its legend entry.
        int s = 0;
        for (Map.Entry<String, double[]> entry : series.entrySet()) {
            String colour = COLOURS[s % COLOURS.length];
            svg.append(String.format(Locale.ROOT, "<polyline class=\"cdf\" data-series=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"2\" points=\"%s\"/>%n", escape(entry.getKey()), colour,
                    points(entry.getValue(), lo, hi, plotWidth, plotHeight)));
            double legendY = TOP + 16 + s * 18;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    LEFT + 12, legendY - 4, LEFT + 36, legendY - 4, colour));
            svg.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%.1f\">%s (n = %d)</text>%n",
                    LEFT + 42, legendY, escape(entry.getKey()), entry.getValue().length));
            s++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The CDF as steps: at each sorted value the fraction jumps from i/n to (i+1)/n. */
    private static String points(double[] sorted, double lo, double hi, double plotWidth, double plotHeight) {
        List<String> points = new ArrayList<>();
        int n = sorted.length;
        for (int i = 0; i < n; i++) {
            double x = LEFT + (sorted[i] - lo) / (hi - lo) * plotWidth;
            points.add(point(x, HEIGHT - BOTTOM - (double) i / n * plotHeight));
            points.add(point(x, HEIGHT - BOTTOM - (double) (i + 1) / n * plotHeight));
        }
        return String.join(" ", points);
    }

    private static String point(double x, double y) {
        return String.format(Locale.ROOT, "%.1f,%.1f", x, y);
    }

    /** Round tick values (1, 2 or 5 times a power of ten apart) covering [min, max], about six of them. */
    static double[] ticks(double min, double max) {
        if (max - min < 1e-9) {
            double pad = Math.max(1, Math.abs(min) * 0.1);
            min -= pad;
            max += pad;
        }
        double rough = (max - min) / 6;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * magnitude >= rough) {
                step = m * magnitude;
                break;
            }
        }
        double first = Math.floor(min / step) * step;
        double last = Math.ceil(max / step) * step;
        int count = (int) Math.round((last - first) / step) + 1;
        double[] ticks = new double[count];
        for (int i = 0; i < count; i++) {
            ticks[i] = first + i * step;
        }
        return ticks;
    }

    private static String label(double value) {
        if (Math.abs(value - Math.rint(value)) < 1e-9) {
            return String.format(Locale.ROOT, "%d", Math.round(value));
        }
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
