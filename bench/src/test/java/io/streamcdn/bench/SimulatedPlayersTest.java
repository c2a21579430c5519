package io.streamcdn.bench;

import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The load-edge benchmark's players against a real server (the origin serving published files) on 127.0.0.1. */
class SimulatedPlayersTest {

    @TempDir
    static Path data;
    private static OriginServer origin;
    private static Vertx vertx;
    private static final SimulatedPlayers.Rung RUNG = new SimulatedPlayers.Rung("240p", 20_000);

    @BeforeAll
    static void publish() throws Exception {
        origin = OriginServer.start(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(data).build())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Path folder = Files.createDirectories(data.resolve("videos/loadtest01/240p"));
        Files.write(data.resolve("videos/loadtest01/manifest.mpd"), new byte[300]);
        Files.write(folder.resolve("init.mp4"), new byte[100]);
        for (int s = 1; s <= 3; s++) {
            Files.write(folder.resolve(String.format(Locale.ROOT, "seg-%05d.m4s", s)), new byte[RUNG.segmentBytes()]);
        }
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        origin.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void playersFetchManifestInitAndSegmentsAndCountNoErrorsWhenEveryAnswerIsWhole() throws Exception {
        SimulatedPlayers players = new SimulatedPlayers(vertx, origin.port(), 10,
                List.of(new SimulatedPlayers.Video("loadtest01", List.of(RUNG), 3, 300, 100)), 0.8, 0.2, 0.6);
        players.start(10, 0, 1);
        Thread.sleep(3_000);
        players.stop(10_000);

        assertThat(players.errors()).as(players.firstError()).isZero();
        // Each viewing is 5 answers (manifest, init, 3 segments) and a viewer starts over when it ends.
        assertThat(players.requests()).isGreaterThanOrEqualTo(50);
        assertThat(players.latencySinceLastCall().getTotalCount()).isEqualTo(players.requests());
    }

    @Test
    void aMissingSegmentIsAnErrorWithItsPathAndStatus() throws Exception {
        SimulatedPlayers players = new SimulatedPlayers(vertx, origin.port(), 2,
                List.of(new SimulatedPlayers.Video("loadtest01", List.of(RUNG), 5, 300, 100)), 0.8, 0.2, 0.6);
        players.start(1, 0, 1);
        Thread.sleep(2_000);
        players.stop(10_000);

        assertThat(players.errors()).isPositive();
        assertThat(players.firstError()).isEqualTo("/videos/loadtest01/240p/seg-00004.m4s: status 404");
    }

    @Test
    void aShortAnswerIsAnError() throws Exception {
        SimulatedPlayers players = new SimulatedPlayers(vertx, origin.port(), 2,
                List.of(new SimulatedPlayers.Video("loadtest01", List.of(new SimulatedPlayers.Rung("240p", 20_001)), 1, 300, 100)),
                0.8, 0.2, 0.6);
        players.start(1, 0, 1);
        Thread.sleep(1_500);
        players.stop(10_000);

        assertThat(players.firstError()).isEqualTo("/videos/loadtest01/240p/seg-00001.m4s: 20000 bytes, expected 20001");
    }
}
