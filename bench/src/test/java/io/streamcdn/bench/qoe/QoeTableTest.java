package io.streamcdn.bench.qoe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class QoeTableTest {

    private static final List<SessionResult> SESSIONS = List.of(
            new SessionResult("fcc-1", 2.0, "ours", score(100, 2.0, 0, 10)),
            new SessionResult("fcc-1", 2.0, "stock", score(80, 1.8, 1, 6)),
            new SessionResult("norway,bus", 1.0, "ours", score(40, 1.0, 2, 8)),
            new SessionResult("norway,bus", 1.0, "stock", score(20, 0.9, 5, 4)));

    @Test
    void meansPerAbrAndTheRatioOfMeanQoe() {
        QoeTable table = new QoeTable(SESSIONS);

        QoeTable.Summary ours = table.summary("ours");
        assertThat(ours.sessions()).isEqualTo(2);
        assertThat(ours.qoeLin()).isEqualTo(70);
        assertThat(ours.switches()).isEqualTo(9);
        assertThat(ours.pooledRebufferRatio()).isCloseTo(2.0 / (2.0 + 360), within(1e-12));
        assertThat(table.qoeRatio()).isCloseTo(70 / 50.0, within(1e-12));
    }

    @Test
    void noRatioWhenStocksMeanIsNotPositive() {
        QoeTable table = new QoeTable(List.of(new SessionResult("t", 1, "ours", score(5, 1, 0, 0)),
                new SessionResult("t", 1, "stock", score(-3, 1, 9, 0))));

        assertThat(table.qoeRatio()).isNaN();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        table.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("n/a (stock's mean is not positive)");
    }

    @Test
    void thePrintedTableHasEverySessionAndTheMeans() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new QoeTable(SESSIONS).print(new PrintStream(out, true, StandardCharsets.UTF_8));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("fcc-1 (2.00)", "norway,bus (1.00)", "ratio ours/stock of mean QoE_lin: 1.400");
        assertThat(text.lines().filter(l -> l.startsWith("ours ") || l.startsWith("stock "))).hasSize(2);
    }

    @Test
    void theCsvHasOneQuotedRowPerSession(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out/sessions.csv");

        new QoeTable(SESSIONS).writeCsv(csv);

        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("trace,trace_mean_mbps,abr,qoe_lin,");
        assertThat(lines.get(3)).startsWith("\"norway,bus\",1.0000,ours,40.0000,45,1.0000,2.000,");
    }

    @Test
    void thePlotHasOneCurvePerAbr() {
        String svg = new QoeTable(SESSIONS).cdfSvg("QoE");

        assertThat(svg).contains("ours (streamcdn rule) (n = 2)", "stock dash.js (n = 2)");
        assertThat(svg.split("<polyline", -1)).hasSize(3);
    }

    private static QoeScore score(double qoe, double bitrate, double rebuffer, int switches) {
        return new QoeScore(qoe, 45, bitrate, rebuffer, rebuffer / (rebuffer + 180), switches, 0.8, 180, true, 0);
    }
}
