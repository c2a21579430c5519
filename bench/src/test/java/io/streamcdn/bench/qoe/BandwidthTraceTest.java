package io.streamcdn.bench.qoe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BandwidthTraceTest {

    @TempDir
    Path dir;

    @Test
    void eachSampleHoldsUntilTheNextAndTheTraceLoops() throws Exception {
        BandwidthTrace trace = BandwidthTrace.read(write("steps.tsv", "10.0\t2.0\n11.0\t4.0\n13.0\t1.0\n"));

        assertThat(trace.name()).isEqualTo("steps");
        assertThat(trace.periodSeconds()).isEqualTo(5.0); // last sample at 3 s (relative) + the 2 s before it
        assertThat(trace.mbpsAt(0.5)).isEqualTo(2.0);
        assertThat(trace.mbpsAt(1.0)).isEqualTo(4.0);
        assertThat(trace.mbpsAt(4.9)).isEqualTo(1.0);
        assertThat(trace.mbpsAt(5.2)).isEqualTo(2.0);
        assertThat(trace.mbpsAt(11.5)).isEqualTo(4.0);
    }

    @Test
    void bitsBetweenIntegratesAcrossStepsAndLoops() throws Exception {
        BandwidthTrace trace = BandwidthTrace.read(write("steps.tsv", "0\t2\n1\t4\n3\t1\n"));

        assertThat(trace.bitsBetween(0, 1)).isCloseTo(2e6, within(1.0));
        assertThat(trace.bitsBetween(0.5, 1.5)).isCloseTo(1e6 + 2e6, within(1.0));
        double period = 2e6 + 8e6 + 2e6;
        assertThat(trace.bitsBetween(0, 5)).isCloseTo(period, within(1.0));
        assertThat(trace.bitsBetween(4, 6)).isCloseTo(1e6 + 2e6, within(1.0));
        assertThat(trace.bitsBetween(0, 50)).isCloseTo(10 * period, within(10.0));
        assertThat(trace.bitsBetween(3, 3)).isZero();
        assertThat(trace.meanMbps()).isCloseTo(period / 5 / 1e6, within(1e-9));
    }

    @Test
    void readsTheSharedTracesWithTheirOwnTiming() throws Exception {
        List<BandwidthTrace> all = BandwidthTrace.readDir(SharedTraces.dir(), 0);

        assertThat(all).hasSize(127);
        assertThat(all).allSatisfy(t -> {
            assertThat(t.periodSeconds()).isGreaterThan(30);
            assertThat(t.meanMbps()).isBetween(0.1, 10.0);
        });
    }

    @Test
    void aFewTracesArePickedEvenlyAcrossTheFolders() throws Exception {
        List<BandwidthTrace> two = BandwidthTrace.readDir(SharedTraces.dir(), 2);

        assertThat(two).hasSize(2);
        assertThat(two.get(0).name()).startsWith("fcc-");
        assertThat(two.get(1).name()).doesNotStartWith("fcc-"); // the second half is Norway's 3G
    }

    @Test
    void readmeAndLicenceFilesAreNotTraces() throws Exception {
        write("README.md", "# traces\n");
        write("LICENSE", "MIT\n");
        write("a.tsv", "0\t1\n1\t2\n");

        assertThat(BandwidthTrace.readDir(dir, 0)).extracting(BandwidthTrace::name).containsExactly("a");
    }

    @Test
    void aMalformedLineIsRefusedWithItsNumber() throws Exception {
        Path file = write("bad.tsv", "0\t1\n\n1\tfast\n");

        assertThatThrownBy(() -> BandwidthTrace.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3").hasMessageContaining("not two numbers");
    }

    @Test
    void negativeBandwidthAndTimeGoingBackAreRefused() throws Exception {
        Path negative = write("neg.tsv", "0\t1\n1\t-2\n");
        Path backwards = write("back.tsv", "0\t1\n2\t1\n1\t1\n");

        assertThatThrownBy(() -> BandwidthTrace.read(negative)).hasMessageContaining("sample 2 has bandwidth -2.0");
        assertThatThrownBy(() -> BandwidthTrace.read(backwards)).hasMessageContaining("sample 3 does not come after");
    }

    @Test
    void aFolderWithoutTracesIsRefused() {
        assertThatThrownBy(() -> BandwidthTrace.readDir(dir, 0)).hasMessageContaining("holds no trace files");
        assertThatThrownBy(() -> BandwidthTrace.readDir(dir.resolve("missing"), 0)).hasMessageContaining("is not a folder");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
