package io.streamcdn.bench;

import io.streamcdn.bench.qoe.QoeBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point for every benchmark: {@code ./bench/run <name> [options]}. Results go to bench/RESULTS.md by hand. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {EncodeBenchmark.class, HitRatioBenchmark.class, EdgeVsNginxBenchmark.class, CoalescingBenchmark.class,
        RouterVsNginxBenchmark.class, LoadEdgeBenchmark.class, QoeBenchmark.class},
        description = "streamcdn benchmarks: each compares streamcdn with a reference measured in the same run.")
public final class Bench implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        // The roles' jars bring their own logback.xml (INFO, a line per request); benchmarks log warnings only.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-bench.xml");
        }
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
