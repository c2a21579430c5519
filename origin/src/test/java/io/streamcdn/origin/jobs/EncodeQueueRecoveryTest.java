package io.streamcdn.origin.jobs;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.testing.TestOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link EncodeQueue#start()} makes of the data directory a previous process left behind. */
class EncodeQueueRecoveryTest {

    private static final VideoRecord.Source SOURCE =
            new VideoRecord.Source("mov,mp4,m4a,3gp,3g2,mj2", "hevc", 640, 360, 29.97, 10.0, true);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void anEncodeInterruptedThreeTimesFailsWithTheReasonInsteadOfRunningAgain() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        VideoRecord crashed = VideoRecord.queued("crash0000001", "crashes the encoder", SOURCE, T0)
                .encoding(T0).encoding(T0).encoding(T0);
        Catalog.load(data).put(crashed);
        Files.copy(TestMedia.clip360p(), data.source("crash0000001"));

        Catalog catalog = Catalog.load(data);
        try (EncodeQueue queue = newQueue(catalog, data)) {
            queue.start();

            assertThat(queue.isActive("crash0000001")).isFalse();
        }
        VideoRecord failed = Catalog.load(data).get("crash0000001").orElseThrow();
        assertThat(failed.state()).isEqualTo(VideoState.FAILED);
        assertThat(failed.error()).isEqualTo("interrupted 3 times");
        assertThat(data.published("crash0000001")).doesNotExist();
    }

    @Test
    void anEncodeInterruptedByACrashRunsAgainFromScratchWithTheAttemptCounted() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog.load(data).put(VideoRecord.queued("crash0000002", "interrupted once", SOURCE, T0).encoding(T0));
        Files.copy(TestMedia.clip360p(), data.source("crash0000002"));
        Files.createDirectories(data.staging("crash0000002").resolve("360p"));
        Files.writeString(data.staging("crash0000002").resolve("360p/seg-00001.m4s"), "half a segment");

        Catalog catalog = Catalog.load(data);
        try (EncodeQueue queue = newQueue(catalog, data)) {
            queue.start();

            assertThat(data.staging("crash0000002").resolve("360p/seg-00001.m4s")).doesNotExist();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (catalog.get("crash0000002").orElseThrow().attempts() < 2) {
                assertThat(System.nanoTime()).as("the second attempt starts").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(catalog.get("crash0000002").orElseThrow().state()).isNotEqualTo(VideoState.QUEUED);
            // The re-run is proved; deleting it cancels the encode rather than spending a minute of CPU on it.
            assertThat(queue.delete("crash0000002")).isTrue();
        }
        assertThat(data.source("crash0000002")).doesNotExist();
        assertThat(data.staging("crash0000002")).doesNotExist();
        assertThat(Catalog.load(data).get("crash0000002")).isEmpty();
    }

    @Test
    void startupDeletesLeftoverStagingTrashUploadsAndFilesWithoutARecord() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog.load(data).put(VideoRecord.queued("ready0000001", "kept", SOURCE, T0).failed("kept as is", T0));
        Files.createDirectories(data.staging("gone00000001"));
        Files.writeString(data.uploads().resolve("gone00000002.part"), "half an upload");
        Files.createDirectories(data.trash().resolve("gone00000003-123"));
        Files.writeString(data.source("orphan000001"), "a source whose record was deleted");
        Files.createDirectories(data.published("orphan000002"));
        Files.writeString(data.published("orphan000002").resolve("manifest.mpd"), "<MPD/>");

        try (EncodeQueue queue = newQueue(Catalog.load(data), data)) {
            queue.start();
        }

        for (Path emptied : new Path[] {data.staging(), data.uploads(), data.trash(), data.sources(), data.videos()}) {
            try (var entries = Files.list(emptied)) {
                assertThat(entries).as(emptied.toString()).isEmpty();
            }
        }
        assertThat(Catalog.load(data).get("ready0000001")).map(VideoRecord::state).contains(VideoState.FAILED);
    }

    private static EncodeQueue newQueue(Catalog catalog, DataDirectory data) {
        return new EncodeQueue(catalog, data, new MediaPipeline(TestOrigin.SETTINGS), 1,
                new EncodeMetrics(new SimpleMeterRegistry()));
    }
}
