package io.streamcdn.bench.qoe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command's refusals: bad input stops it before anything starts, with one line that says why. */
class QoeBenchmarkTest {

    @TempDir
    Path work;

    @Test
    void aMissingTraceFolderIsOneLineAndExitCodeTwo() {
        StringWriter err = new StringWriter();

        int exit = run(err, work.resolve("no-traces").toString(), "2", "--work", work.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("bench qoe: ").contains("no-traces is not a folder of trace files");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void aMalformedTraceIsNamedWithItsLine() throws Exception {
        Files.writeString(work.resolve("bad.tsv"), "0\t1.5\n5\tfast\n");
        StringWriter err = new StringWriter();

        int exit = run(err, work.toString(), "--work", work.resolve("out").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("bad.tsv line 2");
        assertThat(work.resolve("out")).doesNotExist(); // nothing was prepared
    }

    @Test
    void aNegativeCountIsRefused() {
        StringWriter err = new StringWriter();

        assertThat(run(err, SharedTraces.dir().toString(), "-1", "--work", work.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("N must be 0 (all) or more");
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new QoeBenchmark());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
