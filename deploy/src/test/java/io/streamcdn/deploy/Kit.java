package io.streamcdn.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the monitoring kit under test lives: {@code deploy/prometheus} and {@code deploy/grafana}. */
final class Kit {

    private Kit() {
    }

    static Path root() {
        String dir = System.getProperty("streamcdn.deploy");
        Path root = dir == null ? Path.of("").toAbsolutePath() : Path.of(dir);
        if (!Files.isRegularFile(root.resolve("prometheus/prometheus.yml"))) {
            throw new AssertionError("the monitoring kit is not at " + root + " (prometheus/prometheus.yml missing); "
                    + "run the tests through Maven, which sets -Dstreamcdn.deploy to the deploy module");
        }
        return root;
    }

    static Path prometheusDir() {
        return root().resolve("prometheus");
    }

    static Path alertRules() {
        return prometheusDir().resolve("alerts.yml");
    }

    static Path dashboard() {
        return root().resolve("grafana/streamcdn.json");
    }
}
