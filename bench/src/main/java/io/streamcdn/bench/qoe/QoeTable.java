package io.streamcdn.bench.qoe;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The benchmark's results as a person reads them (a table per trace and ABR, the means per ABR and the
 * ratio ours/stock) and as a spreadsheet reads them (CSV, one row per session).
 */
public final class QoeTable {

    static final String OURS = "ours";
    static final String STOCK = "stock";

    private final List<SessionResult> sessions;

    public QoeTable(List<SessionResult> sessions) {
        this.sessions = List.copyOf(sessions);
    }

    /** The means of one ABR's sessions. */
    public record Summary(String abr, int sessions, double qoeLin, double averageBitrateMbps, double rebufferSeconds,
                          double rebufferRatio, double pooledRebufferRatio, double switches, double startupSeconds,
                          double bufferedStallSeconds) {
    }

    public Summary summary(String abr) {
        List<QoeScore> scores = sessions.stream().filter(s -> s.abr().equals(abr)).map(SessionResult::score).toList();
        double rebuffer = scores.stream().mapToDouble(QoeScore::rebufferSeconds).sum();
        double watched = rebuffer + scores.stream().mapToDouble(QoeScore::playedSeconds).sum();
        return new Summary(abr, scores.size(), mean(scores, QoeScore::qoeLin), mean(scores, QoeScore::averageBitrateMbps),
                mean(scores, QoeScore::rebufferSeconds), mean(scores, QoeScore::rebufferRatio),
                watched > 0 ? rebuffer / watched : 0, mean(scores, s -> s.switches()), mean(scores, QoeScore::startupSeconds),
                mean(scores, QoeScore::bufferedStallSeconds));
    }

    /** Mean QoE_lin of ours over stock's; NaN when stock's mean is not positive (a ratio would mislead). */
    public double qoeRatio() {
        double stock = summary(STOCK).qoeLin();
        return stock > 0 ? summary(OURS).qoeLin() / stock : Double.NaN;
    }

    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-52s %-5s %8s %8s %7s %7s %5s %7s %8s %s%n", "trace (mean Mbit/s)", "abr", "QoE_lin",
                "avg Mb/s", "rebuf s", "rebuf %", "sw", "start s", "stall* s", "");
        for (SessionResult s : sessions) {
            QoeScore q = s.score();
            out.printf(Locale.ROOT, "%-52s %-5s %8.2f %8.3f %7.2f %7.2f %5d %7.2f %8.2f %s%n",
                    shorten(s.trace(), 44) + String.format(Locale.ROOT, " (%.2f)", s.traceMeanMbps()), s.abr(), q.qoeLin(),
                    q.averageBitrateMbps(), q.rebufferSeconds(), 100 * q.rebufferRatio(), q.switches(), q.startupSeconds(),
                    q.bufferedStallSeconds(), q.ended() ? "" : "(cut at the time limit)");
        }
        out.println();
        out.printf(Locale.ROOT, "%-5s %8s %8s %9s %13s %15s %8s %9s %9s%n", "abr", "sessions", "QoE_lin", "avg Mb/s",
                "rebuf s", "rebuf ratio", "switches", "startup s", "stall* s");
        for (String abr : List.of(OURS, STOCK)) {
            Summary m = summary(abr);
            out.printf(Locale.ROOT, "%-5s %8d %8.2f %9.3f %13.2f %6.2f %% (%4.2f %%) %8.1f %9.2f %9.2f%n", m.abr(), m.sessions(),
                    m.qoeLin(), m.averageBitrateMbps(), m.rebufferSeconds(), 100 * m.rebufferRatio(),
                    100 * m.pooledRebufferRatio(), m.switches(), m.startupSeconds(), m.bufferedStallSeconds());
        }
        out.println("(rebuf ratio: mean of the sessions' ratios, in brackets all stall time over all watch time; stall*: "
                + "stalls that began with at least " + QoeScore.STARVED_BELOW_SECONDS + " s of video buffered - the "
                + "decoder or renderer short of CPU, not the network - left out of QoE_lin and the rebuffer figures)");
        double ratio = qoeRatio();
        out.println(Double.isNaN(ratio)
                ? "ratio ours/stock of mean QoE_lin: n/a (stock's mean is not positive)"
                : String.format(Locale.ROOT, "ratio ours/stock of mean QoE_lin: %.3f", ratio));
    }

    public void writeCsv(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("trace,trace_mean_mbps,abr,qoe_lin,segments,avg_bitrate_mbps,rebuffer_s,rebuffer_ratio,switches,"
                + "startup_s,played_s,ended,buffered_stall_s");
        for (SessionResult s : sessions) {
            QoeScore q = s.score();
            lines.add(String.format(Locale.ROOT, "%s,%.4f,%s,%.4f,%d,%.4f,%.3f,%.5f,%d,%.3f,%.2f,%b,%.3f", csv(s.trace()),
                    s.traceMeanMbps(), csv(s.abr()), q.qoeLin(), q.segments(), q.averageBitrateMbps(), q.rebufferSeconds(),
                    q.rebufferRatio(), q.switches(), q.startupSeconds(), q.playedSeconds(), q.ended(),
                    q.bufferedStallSeconds()));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
    }

    /** The CDF of QoE_lin per session, one curve per ABR. */
    public String cdfSvg(String title) {
        Map<String, double[]> byAbr = new LinkedHashMap<>();
        for (String abr : List.of(OURS, STOCK)) {
            double[] values = sessions.stream().filter(s -> s.abr().equals(abr)).mapToDouble(s -> s.score().qoeLin()).toArray();
            if (values.length > 0) {
                byAbr.put(abr.equals(OURS) ? "ours (streamcdn rule)" : "stock dash.js", values);
            }
        }
        CdfPlot plot = new CdfPlot(title, "QoE_lin per session (higher is better)");
        byAbr.forEach(plot::series);
        return plot.svg();
    }

    private static double mean(List<QoeScore> scores, ToDoubleFunction<QoeScore> value) {
        return scores.stream().mapToDouble(value).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static String csv(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }
}
