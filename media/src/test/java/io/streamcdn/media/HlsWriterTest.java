package io.streamcdn.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcdn.media.testing.DashManifest;
import io.streamcdn.media.testing.HlsPlaylist;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HlsWriterTest {

    static Stream<Arguments> ladders() {
        return Stream.of(
                Arguments.of("with audio", SampleLadders.withAudio()),
                Arguments.of("silent", SampleLadders.silent()),
                Arguments.of("unaligned rung", SampleLadders.withUnalignedRung()));
    }

    @Test
    void masterListsEveryVideoTrackWithTheAudioGroup() {
        Ladder ladder = SampleLadders.withAudio();
        HlsPlaylist master = HlsPlaylist.parse(HlsWriter.master(ladder));

        assertThat(master.version()).isEqualTo(7);
        assertThat(master.hasTag("#EXT-X-INDEPENDENT-SEGMENTS")).isTrue();
        assertThat(master.renditions()).singleElement().satisfies(audio -> {
            assertThat(audio.attribute("TYPE")).hasValue("AUDIO");
            assertThat(audio.attribute("GROUP-ID")).hasValue("audio");
            assertThat(audio.attribute("DEFAULT")).hasValue("YES");
            assertThat(audio.attribute("CHANNELS")).hasValue("2");
            assertThat(audio.attribute("URI")).hasValue("audio/playlist.m3u8");
        });
        assertThat(master.variants()).extracting(HlsPlaylist.Variant::uri)
                .containsExactly("1080p/playlist.m3u8", "720p/playlist.m3u8", "480p/playlist.m3u8");
        Ladder.Track audio = ladder.audio();
        for (int i = 0; i < ladder.video().size(); i++) {
            Ladder.Track video = ladder.video().get(i);
            HlsPlaylist.Variant variant = master.variants().get(i);
            assertThat(variant.bandwidth()).isEqualTo(video.peakBandwidth() + audio.peakBandwidth());
            assertThat(variant.attribute("AVERAGE-BANDWIDTH"))
                    .hasValue(Long.toString(video.averageBandwidth() + audio.averageBandwidth()));
            assertThat(variant.attribute("CODECS")).hasValue(video.codecs() + ",mp4a.40.2");
            assertThat(variant.attribute("RESOLUTION")).hasValue(video.width() + "x" + video.height());
            assertThat(variant.attribute("FRAME-RATE")).hasValue("29.970");
            assertThat(variant.attribute("AUDIO")).hasValue("audio");
        }
    }

    @Test
    void aSilentMasterHasNoAudioGroup() {
        Ladder ladder = SampleLadders.silent();
        HlsPlaylist master = HlsPlaylist.parse(HlsWriter.master(ladder));

        assertThat(master.renditions()).isEmpty();
        assertThat(master.variants()).hasSize(3).allSatisfy(v -> {
            assertThat(v.attribute("AUDIO")).isEmpty();
            assertThat(v.attribute("CODECS")).hasValueSatisfying(c -> assertThat(c).doesNotContain("mp4a"));
        });
        assertThat(master.variants().get(0).bandwidth()).isEqualTo(ladder.video().get(0).peakBandwidth());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ladders")
    void mediaPlaylistsNameTheSameFilesAsTheMpd(String name, Ladder ladder) {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(ladder));

        for (Ladder.Track track : SampleLadders.tracks(ladder)) {
            HlsPlaylist playlist = HlsPlaylist.parse(HlsWriter.media(track));
            DashManifest.Representation representation = mpd.representation(track.id());
            // Playlist URIs are relative to the track folder, MPD ones to the video folder.
            String folder = track.id() + "/";
            assertThat(folder + playlist.mapUri().orElseThrow()).isEqualTo(representation.initialization());
            assertThat(playlist.segments()).extracting(s -> folder + s.uri())
                    .containsExactlyElementsOf(representation.segments().stream().map(DashManifest.Segment::uri).toList());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ladders")
    void segmentDurationsSumToTheTrackDuration(String name, Ladder ladder) {
        for (Ladder.Track track : SampleLadders.tracks(ladder)) {
            HlsPlaylist playlist = HlsPlaylist.parse(HlsWriter.media(track));
            // Each EXTINF is rounded to the microsecond, so the sum may drift by half a microsecond per segment.
            BigDecimal exact = BigDecimal.valueOf(SampleLadders.ticks(track))
                    .divide(BigDecimal.valueOf(track.timescale()), 9, RoundingMode.HALF_UP);
            BigDecimal tolerance = new BigDecimal("0.0000005").multiply(BigDecimal.valueOf(track.segments().size()));

            assertThat(playlist.totalDuration().subtract(exact).abs()).isLessThanOrEqualTo(tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ladders")
    void targetDurationIsTheLongestSegmentRoundedToTheNearestSecond(String name, Ladder ladder) {
        for (Ladder.Track track : SampleLadders.tracks(ladder)) {
            HlsPlaylist playlist = HlsPlaylist.parse(HlsWriter.media(track));

            assertThat(playlist.segments()).allSatisfy(s -> assertThat(
                    s.duration().setScale(0, RoundingMode.HALF_UP).intValue()).isLessThanOrEqualTo(playlist.targetDuration()));
            assertThat(playlist.targetDuration()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "longest segment {0} ticks of 1/1000 s -> target {1}")
    @CsvSource({"2002, 2", "2499, 2", "2500, 3", "6006, 6", "400, 1"})
    void targetDurationFollowsTheRfc8216RoundingRule(long longestMillis, int target) {
        Ladder.Track track = SampleLadders.videoWithDurations("720p", 1000, 1000, longestMillis, 1000);

        assertThat(HlsPlaylist.parse(HlsWriter.media(track)).targetDuration()).isEqualTo(target);
    }

    @Test
    void mediaPlaylistIsACompleteVodPlaylistOverTheInitSegment() {
        Ladder.Track track = SampleLadders.withAudio().video().get(1);
        HlsPlaylist playlist = HlsPlaylist.parse(HlsWriter.media(track));

        assertThat(playlist.version()).isEqualTo(7);
        assertThat(playlist.tag("#EXT-X-PLAYLIST-TYPE")).hasValue("VOD");
        assertThat(playlist.hasTag("#EXT-X-INDEPENDENT-SEGMENTS")).isTrue();
        assertThat(playlist.mapUri()).hasValue("init.mp4");
        assertThat(playlist.isEnded()).isTrue();
        assertThat(playlist.segments()).extracting(s -> s.duration().toPlainString())
                .containsExactly("2.002000", "2.002000", "2.002000", "2.002000", "1.968633");
    }

    @Test
    void mediaSequenceNumbersMatchSegmentFileNumbers() {
        HlsPlaylist playlist = HlsPlaylist.parse(HlsWriter.media(SampleLadders.withAudio().audio()));

        assertThat(playlist.mediaSequence()).isEqualTo(1);
        assertThat(playlist.segments()).extracting(HlsPlaylist.Segment::uri)
                .containsExactly("seg-00001.m4s", "seg-00002.m4s", "seg-00003.m4s", "seg-00004.m4s", "seg-00005.m4s");
    }

    @Test
    void refusesTracksWhoseSegmentsAreNotNumberedFromOne() {
        Ladder.Track fromTwo = new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f", 1, 1, 1280, 720,
                SampleLadders.NTSC, 0, 0, 30000, List.of(new Ladder.Segment(2, 0, 60060, 1)));

        assertThatThrownBy(() -> HlsWriter.media(fromTwo)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 2 found where 1 was expected");
    }
}
