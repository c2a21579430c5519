package io.streamcdn.media;

import io.streamcdn.media.testing.DashSchema;
import io.streamcdn.media.testing.HlsPlaylist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The MPD and HLS writers on hand-made ladders; the encode tests check them again on real output. */
class ManifestWritersTest {

    private static final DashSchema SCHEMA = new DashSchema();

    /** 29.97 fps: sixteen 60-frame segments, then a 59-frame one, as FrameClock places them; 48 kHz audio. */
    private static Ladder ladder() {
        List<Ladder.Segment> video = new ArrayList<>();
        long t = 0;
        for (int i = 1; i <= 17; i++) {
            long d = i == 17 ? 59 * 1001 : 60 * 1001;
            video.add(new Ladder.Segment(i, t, d, 100_000 + i));
            t += d;
        }
        List<Ladder.Segment> audio = new ArrayList<>();
        long a = 0;
        for (int i = 1; i <= 17; i++) {
            long d = (i % 3 == 0 ? 93 : 94) * 1024L;
            audio.add(new Ladder.Segment(i, a, d, 32_000));
            a += d;
        }
        Rational fps = new Rational(30000, 1001);
        return new Ladder((double) t / 30000, 2.0, List.of(
                new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f", 4_000_000, 3_000_000, 1280, 720, fps, 0, 0, 30000, video),
                new Ladder.Track("360p", Ladder.Kind.VIDEO, "avc1.64001e", 1_000_000, 800_000, 640, 360, fps, 0, 0, 30000, video)),
                new Ladder.Track("audio", Ladder.Kind.AUDIO, "mp4a.40.2", 130_000, 128_000, 0, 0, null, 48000, 2, 48000, audio));
    }

    @Test
    void mpdValidatesAgainstTheDashSchema() throws Exception {
        SCHEMA.validate(MpdWriter.write(ladder()));
    }

    @Test
    void schemaValidationRejectsAnMpdMissingARequiredAttribute() {
        String broken = MpdWriter.write(ladder()).replace(" bandwidth=\"4000000\"", "");
        assertThatThrownBy(() -> SCHEMA.validate(broken)).isInstanceOf(SAXException.class)
                .hasMessageContaining("bandwidth");
    }

    @Test
    void allVideoRepresentationsShareOneAdaptationSetAndAudioHasItsOwn() {
        String mpd = MpdWriter.write(ladder());
        assertThat(mpd.split("<AdaptationSet", -1)).hasSize(3);
        int videoSet = mpd.indexOf("contentType=\"video\"");
        int audioSet = mpd.indexOf("contentType=\"audio\"");
        assertThat(mpd.indexOf("id=\"720p\"")).isBetween(videoSet, audioSet);
        assertThat(mpd.indexOf("id=\"360p\"")).isBetween(videoSet, audioSet);
        assertThat(mpd).contains("codecs=\"avc1.64001f\" bandwidth=\"4000000\" width=\"1280\" height=\"720\" frameRate=\"30000/1001\"")
                .contains("audioSamplingRate=\"48000\"").contains("value=\"2\"")
                .contains("profiles=\"urn:mpeg:dash:profile:isoff-live:2011\"").contains("type=\"static\"")
                .contains("media=\"$RepresentationID$/seg-$Number%05d$.m4s\"").contains("startNumber=\"1\"");
    }

    @Test
    void segmentTimelineCompressesRunsAndSumsToTheTrackDuration() {
        String mpd = MpdWriter.write(ladder());
        assertThat(mpd).contains("<S t=\"0\" d=\"60060\" r=\"15\"/>").contains("<S d=\"59059\"/>");
        assertThat(mpd).contains("mediaPresentationDuration=\"PT34.001S\"");
    }

    @Test
    void masterPlaylistListsEveryRungWithTheAudioGroup() {
        HlsPlaylist master = HlsPlaylist.parse(HlsWriter.master(ladder()));
        assertThat(master.tag("#EXT-X-VERSION")).isEqualTo("7");
        assertThat(master.tag("#EXT-X-INDEPENDENT-SEGMENTS")).isNotNull();
        assertThat(master.media()).singleElement().satisfies(m -> assertThat(m)
                .containsEntry("TYPE", "AUDIO").containsEntry("GROUP-ID", "audio").containsEntry("URI", "audio/playlist.m3u8"));
        assertThat(master.variants()).extracting(HlsPlaylist.Variant::uri)
                .containsExactly("720p/playlist.m3u8", "360p/playlist.m3u8");
        assertThat(master.variants().get(0).attributes()).containsEntry("BANDWIDTH", "4130000")
                .containsEntry("AVERAGE-BANDWIDTH", "3128000").containsEntry("CODECS", "avc1.64001f,mp4a.40.2")
                .containsEntry("RESOLUTION", "1280x720").containsEntry("FRAME-RATE", "29.970")
                .containsEntry("AUDIO", "audio");
    }

    @Test
    void mediaPlaylistListsTheSameFilesAsTheMpdTemplateWithExactDurations() {
        Ladder ladder = ladder();
        Ladder.Track track = ladder.video().get(0);
        HlsPlaylist media = HlsPlaylist.parse(HlsWriter.media(track));
        assertThat(media.tag("#EXT-X-MAP")).isEqualTo("URI=\"init.mp4\"");
        assertThat(media.tag("#EXT-X-PLAYLIST-TYPE")).isEqualTo("VOD");
        assertThat(media.tag("#EXT-X-ENDLIST")).isNotNull();
        assertThat(media.segments()).extracting(HlsPlaylist.Segment::uri)
                .containsExactlyElementsOf(track.segments().stream().map(s -> PackageLayout.segmentFile(s.number())).toList());
        double sum = media.segments().stream().mapToDouble(HlsPlaylist.Segment::duration).sum();
        assertThat(sum).isCloseTo(ladder.durationSeconds(), within(1e-4));
        long target = Long.parseLong(media.tag("#EXT-X-TARGETDURATION"));
        assertThat(media.segments()).allSatisfy(s -> assertThat(Math.round(s.duration())).isLessThanOrEqualTo(target));
    }

    @Test
    void packagerWritesEveryManifestAndLeavesNoTemporaryFiles(@TempDir Path dir) throws Exception {
        Packager.writeManifests(ladder(), dir);
        assertThat(dir.resolve("manifest.mpd")).exists();
        assertThat(dir.resolve("master.m3u8")).exists();
        assertThat(dir.resolve("720p/playlist.m3u8")).exists();
        assertThat(dir.resolve("audio/playlist.m3u8")).exists();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
