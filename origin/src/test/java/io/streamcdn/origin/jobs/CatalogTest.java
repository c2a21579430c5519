package io.streamcdn.origin.jobs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogTest {

    private static final VideoRecord.Source SOURCE =
            new VideoRecord.Source("mov,mp4,m4a,3gp,3g2,mj2", "hevc", 640, 360, 29.97, 10.0, true);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void recordsSurviveAReload() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog catalog = Catalog.load(data);
        catalog.put(VideoRecord.queued("aaaaaa000001", "First", SOURCE, T0));
        catalog.put(VideoRecord.queued("aaaaaa000002", "Second", SOURCE, T0.plusSeconds(1)));
        catalog.update("aaaaaa000002", r -> r.encoding(T0.plusSeconds(2)).progressed(0.25, T0.plusSeconds(3)));

        Catalog reloaded = Catalog.load(data);

        assertThat(reloaded.list()).containsExactlyElementsOf(catalog.list());
        VideoRecord second = reloaded.get("aaaaaa000002").orElseThrow();
        assertThat(second.state()).isEqualTo(VideoState.ENCODING);
        assertThat(second.attempts()).isEqualTo(1);
        assertThat(second.progress()).isEqualTo(0.25);
        assertThat(second.source()).isEqualTo(SOURCE);
    }

    @Test
    void listIsNewestFirst() throws Exception {
        Catalog catalog = Catalog.load(DataDirectory.open(dir));
        catalog.put(VideoRecord.queued("bbbbbb000001", "old", SOURCE, T0));
        catalog.put(VideoRecord.queued("bbbbbb000003", "new", SOURCE, T0.plusSeconds(60)));
        catalog.put(VideoRecord.queued("bbbbbb000002", "middle", SOURCE, T0.plusSeconds(30)));

        assertThat(catalog.list()).extracting(VideoRecord::title).containsExactly("new", "middle", "old");
    }

    @Test
    void eachWriteReplacesTheWholeFileAndLeavesNoTemporaryFile() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog catalog = Catalog.load(data);
        catalog.put(VideoRecord.queued("cccccc000001", "a title that is rather long ".repeat(5), SOURCE, T0));
        catalog.update("cccccc000001", r -> r.failed("short", T0.plusSeconds(1)));

        try (var files = Files.list(data.catalog())) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("cccccc000001.json");
        }
        JsonObject onDisk = new JsonObject(Files.readString(data.record("cccccc000001")));
        assertThat(onDisk.getString("state")).isEqualTo("failed");
        assertThat(onDisk.getString("error")).isEqualTo("short");
    }

    @Test
    void aWriteInterruptedBeforeItsRenameLeavesThePreviousRecord() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog.load(data).put(VideoRecord.queued("dddddd000001", "kept", SOURCE, T0));
        // What a crash mid-write leaves: a half-written temporary file beside the intact record.
        Files.writeString(data.catalog().resolve("dddddd000001.json.tmp"), "{\"id\":\"dddddd0000", StandardCharsets.UTF_8);

        Catalog reloaded = Catalog.load(data);

        assertThat(reloaded.get("dddddd000001")).map(VideoRecord::title).contains("kept");
        assertThat(data.catalog().resolve("dddddd000001.json.tmp")).doesNotExist();
    }

    @Test
    void corruptRecordIsMovedAsideAndTheOthersLoad() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog.load(data).put(VideoRecord.queued("eeeeee000001", "fine", SOURCE, T0));
        Files.writeString(data.record("eeeeee000002"), "{ not json", StandardCharsets.UTF_8);
        Files.writeString(data.record("eeeeee000003"), "{\"id\":\"eeeeee000003\",\"state\":\"dancing\"}", StandardCharsets.UTF_8);
        Files.writeString(data.record("eeeeee000004"), VideoRecord.queued("ffffff000009", "wrong file", SOURCE, T0)
                .toJson().encode(), StandardCharsets.UTF_8);

        Catalog catalog = Catalog.load(data);

        assertThat(catalog.list()).extracting(VideoRecord::id).containsExactly("eeeeee000001");
        try (var aside = Files.list(data.catalog().resolve("corrupt"))) {
            assertThat(aside).extracting(p -> p.getFileName().toString())
                    .hasSize(3)
                    .allMatch(name -> name.matches("eeeeee00000[234]\\.json\\.\\d+"));
        }
        assertThat(data.record("eeeeee000002")).doesNotExist();
    }

    @Test
    void updateOfARemovedVideoDoesNotBringItBack() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog catalog = Catalog.load(data);
        catalog.put(VideoRecord.queued("gggggg000001", "gone soon", SOURCE, T0));

        assertThat(catalog.remove("gggggg000001")).isTrue();
        assertThat(catalog.update("gggggg000001", r -> r.progressed(0.5, T0))).isEmpty();
        assertThat(catalog.updateInMemory("gggggg000001", r -> r.progressed(0.6, T0))).isEmpty();

        assertThat(catalog.get("gggggg000001")).isEmpty();
        assertThat(data.record("gggggg000001")).doesNotExist();
        assertThat(Catalog.load(data).list()).isEmpty();
    }

    @Test
    void progressKeptInMemoryOnlyIsNotWritten() throws Exception {
        DataDirectory data = DataDirectory.open(dir);
        Catalog catalog = Catalog.load(data);
        catalog.put(VideoRecord.queued("hhhhhh000001", "t", SOURCE, T0).encoding(T0));

        catalog.updateInMemory("hhhhhh000001", r -> r.progressed(0.42, T0.plusSeconds(1)));

        assertThat(catalog.get("hhhhhh000001").orElseThrow().progress()).isEqualTo(0.42);
        assertThat(Catalog.load(data).get("hhhhhh000001").orElseThrow().progress()).isZero();
    }
}
