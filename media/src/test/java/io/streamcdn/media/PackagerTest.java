package io.streamcdn.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackagerTest {

    @TempDir
    Path videoDir;

    @Test
    void writesTheMpdTheMasterAndEveryMediaPlaylist() throws IOException {
        Ladder ladder = SampleLadders.withAudio();

        Packager.writeManifests(ladder, videoDir);

        assertThat(read("manifest.mpd")).isEqualTo(MpdWriter.write(ladder));
        assertThat(read("master.m3u8")).isEqualTo(HlsWriter.master(ladder));
        for (Ladder.Track track : SampleLadders.tracks(ladder)) {
            assertThat(read(track.id() + "/playlist.m3u8")).isEqualTo(HlsWriter.media(track));
        }
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        Packager.writeManifests(SampleLadders.withAudio(), videoDir);

        assertThat(files()).containsExactlyInAnyOrder("manifest.mpd", "master.m3u8", "1080p/playlist.m3u8",
                "720p/playlist.m3u8", "480p/playlist.m3u8", "audio/playlist.m3u8");
    }

    @Test
    void replacesManifestsFromAnEarlierRun() throws IOException {
        Packager.writeManifests(SampleLadders.withAudio(), videoDir);
        Ladder silent = SampleLadders.silent();

        Packager.writeManifests(silent, videoDir);

        assertThat(read("manifest.mpd")).isEqualTo(MpdWriter.write(silent));
        assertThat(read("master.m3u8")).doesNotContain("audio/playlist.m3u8");
    }

    @Test
    void writesNothingForALadderTheWritersRefuse() {
        Ladder.Track unnumbered = new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f", 1, 1, 1280, 720,
                SampleLadders.NTSC, 0, 0, 30000, List.of(new Ladder.Segment(0, 0, 60060, 1)));

        assertThatThrownBy(() -> Packager.writeManifests(new Ladder(2, 2, List.of(unnumbered), null), videoDir))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(files()).isEmpty();
    }

    private String read(String relative) throws IOException {
        return Files.readString(videoDir.resolve(relative), StandardCharsets.UTF_8);
    }

    private List<String> files() {
        try (Stream<Path> walk = Files.walk(videoDir)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> videoDir.relativize(p).toString().replace('\\', '/'))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
