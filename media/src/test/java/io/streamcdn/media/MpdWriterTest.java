package io.streamcdn.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamcdn.media.testing.DashManifest;
import io.streamcdn.media.testing.DashSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

class MpdWriterTest {

    private static final DashSchema SCHEMA = DashSchema.fromSharedFolder();

    static Stream<Arguments> ladders() {
        return Stream.of(
                Arguments.of("with audio", SampleLadders.withAudio()),
                Arguments.of("silent", SampleLadders.silent()),
                Arguments.of("unaligned rung", SampleLadders.withUnalignedRung()),
                Arguments.of("one rung", SampleLadders.ladder(
                        List.of(SampleLadders.withAudio().video().get(2)), SampleLadders.audio(SampleLadders.AUDIO_FRAMES))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ladders")
    void validatesAgainstTheDashSchema(String name, Ladder ladder) {
        SCHEMA.requireValid(MpdWriter.write(ladder));
    }

    @Test
    void declaresAStaticLiveProfilePresentationInUtf8() {
        String xml = MpdWriter.write(SampleLadders.withAudio());
        Element mpd = DashManifest.parse(xml).root();

        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        assertThat(mpd.getNamespaceURI()).isEqualTo("urn:mpeg:dash:schema:mpd:2011");
        assertThat(mpd.getAttribute("profiles")).isEqualTo("urn:mpeg:dash:profile:isoff-live:2011");
        assertThat(mpd.getAttribute("type")).isEqualTo("static");
        // 299 frames of 1001/30000 s = 9.976633 s. The longest segment is audio's 94 AAC frames, 2.005333 s,
        // rounded up so that no segment is longer than advertised.
        assertThat(mpd.getAttribute("mediaPresentationDuration")).isEqualTo("PT9.977S");
        assertThat(mpd.getAttribute("minBufferTime")).isEqualTo("PT2.006S");
        assertThat(mpd.getAttribute("maxSegmentDuration")).isEqualTo("PT2.006S");
        assertThat(DashManifest.children(mpd, "Period")).hasSize(1);
    }

    @Test
    void allVideoRepresentationsShareOneAdaptationSet() {
        Ladder ladder = SampleLadders.withAudio();
        DashManifest mpd = DashManifest.parse(MpdWriter.write(ladder));

        assertThat(mpd.adaptationSets("video")).hasSize(1);
        DashManifest.AdaptationSet video = mpd.adaptationSets("video").get(0);
        assertThat(video.representations()).extracting(DashManifest.Representation::id)
                .containsExactly("1080p", "720p", "480p");
        assertThat(video.attribute("mimeType")).isEqualTo("video/mp4");
        assertThat(video.attribute("segmentAlignment")).isEqualTo("true");
        assertThat(video.attribute("startWithSAP")).isEqualTo("1");
        assertThat(video.attribute("maxWidth")).isEqualTo("1920");
        assertThat(video.attribute("maxHeight")).isEqualTo("1080");
        assertThat(video.attribute("maxFrameRate")).isEqualTo("30000/1001");
        assertThat(video.attribute("par")).isEqualTo("16:9");
    }

    @Test
    void audioHasItsOwnAdaptationSet() {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(SampleLadders.withAudio()));

        assertThat(mpd.adaptationSets()).extracting(DashManifest.AdaptationSet::contentType)
                .containsExactly("video", "audio");
        DashManifest.AdaptationSet audio = mpd.adaptationSets("audio").get(0);
        assertThat(audio.attribute("mimeType")).isEqualTo("audio/mp4");
        assertThat(audio.attribute("lang")).isEqualTo("und");
        assertThat(audio.representations()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("audio");
            assertThat(r.attribute("codecs")).isEqualTo("mp4a.40.2");
            assertThat(r.bandwidth()).isEqualTo(131_000);
            assertThat(r.attribute("audioSamplingRate")).isEqualTo("48000");
            Element channels = DashManifest.children(r.element(), "AudioChannelConfiguration").get(0);
            assertThat(channels.getAttribute("schemeIdUri"))
                    .isEqualTo("urn:mpeg:dash:23003:3:audio_channel_configuration:2011");
            assertThat(channels.getAttribute("value")).isEqualTo("2");
        });
    }

    @Test
    void aSilentLadderHasNoAudioAdaptationSet() {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(SampleLadders.silent()));

        assertThat(mpd.adaptationSets()).extracting(DashManifest.AdaptationSet::contentType).containsExactly("video");
    }

    @Test
    void representationsAdvertiseCodecsPeakBandwidthSizeAndFrameRate() {
        Ladder ladder = SampleLadders.withAudio();
        DashManifest mpd = DashManifest.parse(MpdWriter.write(ladder));

        for (Ladder.Track track : ladder.video()) {
            DashManifest.Representation r = mpd.representation(track.id());
            assertThat(r.attribute("codecs")).isEqualTo(track.codecs());
            assertThat(r.bandwidth()).isEqualTo(track.peakBandwidth());
            assertThat(r.attribute("width")).isEqualTo(Integer.toString(track.width()));
            assertThat(r.attribute("height")).isEqualTo(Integer.toString(track.height()));
            assertThat(r.attribute("frameRate")).isEqualTo("30000/1001");
            assertThat(r.attribute("sar")).isEqualTo("1:1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ladders")
    void timelinesAddressEverySegmentOfEveryTrack(String name, Ladder ladder) {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(ladder));

        for (Ladder.Track track : SampleLadders.tracks(ladder)) {
            DashManifest.Representation r = mpd.representation(track.id());
            assertThat(r.timescale()).isEqualTo(track.timescale());
            assertThat(r.duration()).isEqualTo(SampleLadders.ticks(track));
            assertThat(r.initialization()).isEqualTo(track.id() + "/init.mp4");
            List<String> expected = new ArrayList<>();
            for (Ladder.Segment s : track.segments()) {
                expected.add(s.number() + "@" + s.start() + "+" + s.duration() + " " + track.id() + "/"
                        + PackageLayout.segmentFile(s.number()));
            }
            assertThat(r.segments()).extracting(s -> s.number() + "@" + s.start() + "+" + s.duration() + " " + s.uri())
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void compressesRunsOfEqualDurationsWithRepeatCounts() {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(SampleLadders.withAudio()));

        assertThat(timeline(mpd.adaptationSets("video").get(0).element()))
                .containsExactly("t=0 d=60060 r=3", "d=59059");
        assertThat(timeline(mpd.adaptationSets("audio").get(0).element()))
                .containsExactly("t=0 d=96256 r=2", "d=95232", "d=94208");
    }

    @Test
    void aSharedTimelineIsWrittenOnceOnTheAdaptationSet() {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(SampleLadders.withAudio()));

        DashManifest.AdaptationSet video = mpd.adaptationSets("video").get(0);
        assertThat(DashManifest.children(video.element(), "SegmentTemplate")).hasSize(1);
        assertThat(video.representations())
                .allSatisfy(r -> assertThat(DashManifest.children(r.element(), "SegmentTemplate")).isEmpty());
    }

    @Test
    void differingTimelinesAreWrittenPerRepresentation() {
        DashManifest mpd = DashManifest.parse(MpdWriter.write(SampleLadders.withUnalignedRung()));

        DashManifest.AdaptationSet video = mpd.adaptationSets("video").get(0);
        assertThat(DashManifest.children(video.element(), "SegmentTemplate")).isEmpty();
        assertThat(video.representations())
                .allSatisfy(r -> assertThat(DashManifest.children(r.element(), "SegmentTemplate")).hasSize(1));
        assertThat(timeline(mpd.representation("480p").element()))
                .containsExactly("t=0 d=60060", "d=61061", "d=59059", "d=60060", "d=59059");
    }

    @Test
    void writesAnExplicitStartAfterAGapInTheTimeline() {
        List<Ladder.Segment> segments = List.of(
                new Ladder.Segment(1, 1001, 60060, 1000),
                new Ladder.Segment(2, 61061, 60060, 1000),
                new Ladder.Segment(3, 123123, 60060, 1000));
        Ladder.Track video = new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f", 3_000_000, 2_500_000,
                1280, 720, SampleLadders.NTSC, 0, 0, 30000, segments);
        String xml = MpdWriter.write(new Ladder(6.2, 2.0, List.of(video), null));

        SCHEMA.requireValid(xml);
        DashManifest mpd = DashManifest.parse(xml);
        assertThat(timeline(mpd.adaptationSets("video").get(0).element()))
                .containsExactly("t=1001 d=60060 r=1", "t=123123 d=60060");
        assertThat(mpd.representation("720p").segments()).extracting(DashManifest.Segment::start)
                .containsExactly(1001L, 61061L, 123123L);
    }

    @Test
    void attributeValuesAreEscaped() {
        Ladder.Track odd = new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f\"<&>", 3_000_000, 2_500_000,
                1280, 720, SampleLadders.NTSC, 0, 0, 30000, SampleLadders.withAudio().video().get(1).segments());

        DashManifest mpd = DashManifest.parse(MpdWriter.write(new Ladder(10, 2, List.of(odd), null)));

        assertThat(mpd.representation("720p").attribute("codecs")).isEqualTo("avc1.64001f\"<&>");
    }

    @Test
    void refusesTracksWhoseSegmentsAreNotNumberedFromOne() {
        Ladder.Track skipping = new Ladder.Track("720p", Ladder.Kind.VIDEO, "avc1.64001f", 1, 1, 1280, 720,
                SampleLadders.NTSC, 0, 0, 30000,
                List.of(new Ladder.Segment(1, 0, 60060, 1), new Ladder.Segment(3, 60060, 60060, 1)));

        assertThatThrownBy(() -> MpdWriter.write(new Ladder(4, 2, List.of(skipping), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 3 found where 2 was expected");
    }

    @Test
    void refusesTrackIdsThatCannotBeFolders() {
        Ladder.Track track = SampleLadders.videoWithDurations("../720p", 30000, 60060);

        assertThatThrownBy(() -> MpdWriter.write(new Ladder(2, 2, List.of(track), null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'../720p'");
    }

    /** The S elements of the SegmentTemplate directly under {@code parent}, as {@code t=.. d=.. r=..}. */
    private static List<String> timeline(Element parent) {
        Element template = DashManifest.children(parent, "SegmentTemplate").get(0);
        Element timeline = DashManifest.children(template, "SegmentTimeline").get(0);
        List<String> entries = new ArrayList<>();
        for (Element s : DashManifest.children(timeline, "S")) {
            StringBuilder entry = new StringBuilder();
            for (String name : List.of("t", "d", "r")) {
                if (s.hasAttribute(name)) {
                    entry.append(entry.length() == 0 ? "" : " ").append(name).append('=').append(s.getAttribute(name));
                }
            }
            entries.add(entry.toString());
        }
        return entries;
    }
}
