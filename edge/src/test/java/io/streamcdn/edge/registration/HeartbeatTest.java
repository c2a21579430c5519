package io.streamcdn.edge.registration;

import io.streamcdn.edge.EdgeConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The beat's figures, without a network. */
class HeartbeatTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} connections, {1} bit/s of {2} connections, {3} Mbps -> {4}")
    @CsvSource({
            "0,     0,             100, 100, 0.0",
            "12,    3400000,       10000, 1000, 0.0034",   // bandwidth is the larger share
            "50,    1000000,       100, 1000, 0.5",        // connections are the larger share
            "100,   100000000,     100, 100, 1.0",         // at capacity
            "10,    250000000,     100, 100, 2.5",         // over capacity: not clamped
    })
    void loadRatioIsTheLargerOfTheConnectionAndBandwidthShares(int connections, long bitsPerSecond,
                                                                int capacityConnections, long capacityMbps,
                                                                double ratio) {
        EdgeConfig config = EdgeConfig.builder().host("127.0.0.1").port(0).cacheDir(tmp).name("edge-test")
                .router("http://127.0.0.1:1").publicUrl("http://127.0.0.1:9999")
                .capacityConnections(capacityConnections).capacityMbps(capacityMbps).build();

        Heartbeat beat = Heartbeat.of(config, new EdgeLoad(connections, bitsPerSecond, 0, 1, 0), "0.1.0-test",
                Duration.ofSeconds(5), Instant.parse("2026-11-25T10:00:00.123456Z"));

        assertThat(beat.loadRatio()).isCloseTo(ratio, within(1e-12));
        assertThat(beat.toJson().getJsonObject("load").getDouble("ratio")).isCloseTo(ratio, within(1e-12));
        assertThat(beat.toJson().getJsonObject("capacity").getLong("bitsPerSecond"))
                .isEqualTo(capacityMbps * 1_000_000L);
        assertThat(beat.toJson().getString("sentAt")).isEqualTo("2026-11-25T10:00:00.123Z");
        assertThat(beat.toJson().getDouble("intervalSeconds")).isEqualTo(5.0);
    }
}
