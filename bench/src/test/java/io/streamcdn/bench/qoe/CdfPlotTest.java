package io.streamcdn.bench.qoe;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CdfPlotTest {

    @Test
    void eachSeriesIsAStepLineRisingFromZeroToOneAcrossItsValues() throws Exception {
        String svg = new CdfPlot("QoE", "QoE_lin").series("ours", new double[] {30, 10, 20, 40})
                .series("stock", new double[] {5, 15, 25}).svg();

        Document doc = parse(svg);
        NodeList lines = doc.getElementsByTagName("polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        List<double[]> ours = points((Element) lines.item(0));
        List<double[]> stock = points((Element) lines.item(1));
        assertThat(((Element) lines.item(0)).getAttribute("data-series")).isEqualTo("ours");
        assertThat(ours).hasSize(8);
        assertThat(stock).hasSize(6);
        double bottom = CdfPlot.HEIGHT - CdfPlot.BOTTOM;
        double top = CdfPlot.TOP;
        assertThat(ours.get(0)[1]).isEqualTo(bottom);
        assertThat(ours.get(ours.size() - 1)[1]).isEqualTo(top);
        for (int i = 1; i < ours.size(); i++) {
            assertThat(ours.get(i)[0]).isGreaterThanOrEqualTo(ours.get(i - 1)[0]); // values sorted
            assertThat(ours.get(i)[1]).isLessThanOrEqualTo(ours.get(i - 1)[1]);    // fraction never falls
        }
        // The step at the median value of "ours" (20) sits at half height on a 0..40 axis (ticks 0, 5, ... 40).
        double plotWidth = CdfPlot.WIDTH - CdfPlot.LEFT - CdfPlot.RIGHT;
        assertThat(ours.get(3)[0]).isEqualTo(CdfPlot.LEFT + 20 / 40.0 * plotWidth, org.assertj.core.api.Assertions.within(0.1));
        assertThat(ours.get(3)[1]).isEqualTo(bottom - 0.5 * (bottom - top), org.assertj.core.api.Assertions.within(0.1));
    }

    @Test
    void legendAndAxisNameEverySeriesAndEscapeMarkup() throws Exception {
        String svg = new CdfPlot("ours <vs> stock & co", "QoE_lin").series("a \"quoted\" <b>", new double[] {1, 2})
                .series("stock", new double[] {Double.NaN, 3}).svg();

        Document doc = parse(svg); // well-formed despite the markup in the names
        List<String> texts = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName("text");
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        assertThat(texts).contains("ours <vs> stock & co", "QoE_lin", "fraction of sessions",
                "a \"quoted\" <b> (n = 2)", "stock (n = 1)");
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertThat(CdfPlot.ticks(-13.2, 87.5)).containsExactly(-20, 0, 20, 40, 60, 80, 100);
        assertThat(CdfPlot.ticks(0.3, 0.9)).hasSizeBetween(4, 9);
        assertThat(CdfPlot.ticks(5, 5)).hasSizeGreaterThan(1); // one value still gets an axis
    }

    @Test
    void aPlotNeedsValues() {
        assertThatThrownBy(() -> new CdfPlot("t", "x").svg()).hasMessageContaining("at least one series");
        assertThatThrownBy(() -> new CdfPlot("t", "x").series("s", new double[] {Double.NaN}))
                .hasMessageContaining("no finite values");
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<double[]> points(Element polyline) {
        List<double[]> points = new ArrayList<>();
        for (String pair : polyline.getAttribute("points").split(" ")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        return points;
    }
}
