package io.streamcdn.origin.api;

import io.streamcdn.media.PackageLayout;
import io.streamcdn.media.testing.TestMedia;
import io.streamcdn.origin.jobs.Catalog;
import io.streamcdn.origin.jobs.DataDirectory;
import io.streamcdn.origin.jobs.VideoRecord;
import io.streamcdn.origin.jobs.VideoState;
import io.streamcdn.origin.testing.TestOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.streamcdn.origin.testing.TestOrigin.inState;
import static org.assertj.core.api.Assertions.assertThat;

/** An origin stopped in the middle of an encode finishes the job after it starts again on the same data. */
class EncodeRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void restartReRunsAnEncodeInterruptedByAStopAndPublishesOnlyTheCompleteLadder() throws Exception {
        String id;
        try (TestOrigin first = TestOrigin.start(dataDir, UploadLimits.DEFAULT_MAX_BYTES)) {
            id = new JsonObject(first.upload("?title=restart", "video/mp4", Files.readAllBytes(TestMedia.clip360p())).body())
                    .getString("id");
            first.awaitVideo(id, v -> inState(v, "encoding") && v.getDouble("progress") >= 0.1, Duration.ofSeconds(120), v -> { });
        }

        DataDirectory data = DataDirectory.open(dataDir);
        VideoRecord stopped = Catalog.load(data).get(id).orElseThrow();
        assertThat(stopped.state()).as("a stopped encode goes back to the queue").isEqualTo(VideoState.QUEUED);
        assertThat(stopped.attempts()).as("a deliberate stop does not use up an attempt").isZero();
        assertThat(data.published(id)).doesNotExist();
        try (var staging = Files.list(data.staging())) {
            assertThat(staging).as("the stop cleans its staging folder").isEmpty();
        }

        try (TestOrigin second = TestOrigin.start(dataDir, UploadLimits.DEFAULT_MAX_BYTES)) {
            JsonObject done = second.awaitVideo(id, v -> inState(v, "ready") || inState(v, "failed"), Duration.ofSeconds(120),
                    v -> {
                        // The ladder is published by one atomic rename just before the record says ready: a poll
                        // between the two may see the folder, but only ever whole.
                        if (!inState(v, "ready") && Files.exists(second.data().published(id))) {
                            assertThat(second.data().published(id).resolve(PackageLayout.MPD))
                                    .as("a folder published before ready is the whole ladder").isNotEmptyFile();
                        }
                    });

            assertThat(done.getString("state")).as(done.encodePrettily()).isEqualTo("ready");
            assertThat(done.getInteger("attempts")).isEqualTo(1);
            assertThat(second.data().published(id).resolve(PackageLayout.MPD)).isNotEmptyFile();
            assertThat(second.data().published(id).resolve(PackageLayout.HLS_MASTER)).isNotEmptyFile();
            assertThat(second.data().published(id).resolve(PackageLayout.POSTER)).isNotEmptyFile();
        }
    }
}
