package io.streamcdn.media;

import io.streamcdn.media.testing.Bmff;
import io.streamcdn.media.testing.DashManifest;
import io.streamcdn.media.testing.DashSchema;
import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.HlsPlaylist;
import io.streamcdn.media.testing.Probed;
import io.streamcdn.media.testing.TestMedia;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Encodes both shared clips once with the default settings and checks the result with FFmpeg's own
 * ffprobe, as an independent reader: rungs, codecs, keyframe alignment, segment timing, A/V start, the
 * black lead-in, the poster and progress. One encode per clip serves every test here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncodedLadderTest {

    private static final double FRAME = 1001 / 30000.0;

    private Path tmp;

    private final MediaPipeline pipeline = new MediaPipeline(EncoderSettings.defaults());
    private final List<Double> progress = new CopyOnWriteArrayList<>();
    private Path out480;
    private Path out360;
    private Ladder ladder480;
    private Ladder ladder360;

    @BeforeAll
    void encodeBothClips(@TempDir Path dir) throws Exception {
        tmp = dir;
        out480 = tmp.resolve("480");
        MediaInfo info480 = pipeline.probe(TestMedia.clip480p());
        ladder480 = pipeline.encode(TestMedia.clip480p(), info480, out480, progress::add, () -> false).ladder();
        out360 = tmp.resolve("360");
        MediaInfo info360 = pipeline.probe(TestMedia.clip360p());
        ladder360 = pipeline.encode(TestMedia.clip360p(), info360, out360, p -> { }, () -> false).ladder();
    }

    @Test
    void oneRenditionPerRungUpToTheSourceHeightAndNoneAbove() {
        assertThat(ladder480.video()).extracting(Ladder.Track::id).containsExactly("480p", "360p", "240p");
        assertThat(ladder360.video()).extracting(Ladder.Track::id).containsExactly("360p", "240p");
    }

    @Test
    void everyRungIsH264HighAtItsPlannedSize() throws Exception {
        for (Ladder.Track track : ladder480.video()) {
            Path file = Probed.concatenate(out480.resolve(track.id()), tmp.resolve("check-" + track.id() + ".mp4"));
            Map<String, String> stream = Probed.stream("codec_name,profile,width,height,pix_fmt,r_frame_rate", file);
            assertThat(stream).containsEntry("codec_name", "h264").containsEntry("profile", "High")
                    .containsEntry("pix_fmt", "yuv420p").containsEntry("r_frame_rate", "30000/1001")
                    .containsEntry("width", Integer.toString(track.width()))
                    .containsEntry("height", Integer.toString(track.height()));
            assertThat(track.height()).isEqualTo(Integer.parseInt(track.id().replace("p", "")));
            assertThat(track.width() % 2).isZero();
            assertThat((double) track.width() / track.height()).isCloseTo(16.0 / 9, within(0.02));
            assertThat(track.codecs()).startsWith("avc1.64");
        }
    }

    @Test
    void audioIsAacLowComplexityStereoAt48kHz() throws Exception {
        Path file = Probed.concatenate(out480.resolve("audio"), tmp.resolve("check-audio.mp4"));
        assertThat(Probed.stream("codec_name,profile,sample_rate,channels", file))
                .containsEntry("codec_name", "aac").containsEntry("profile", "LC")
                .containsEntry("sample_rate", "48000").containsEntry("channels", "2");
        assertThat(ladder480.audio().codecs()).isEqualTo("mp4a.40.2");
    }

    @Test
    void keyframesFallOnEverySegmentBoundaryAtTheSameTimesOnEveryRung() throws Exception {
        List<List<Double>> keyframesPerRung = new ArrayList<>();
        for (Ladder.Track track : ladder480.video()) {
            Path file = Probed.concatenate(out480.resolve(track.id()), tmp.resolve("kf-" + track.id() + ".mp4"));
            // An IDR's decode time equals its presentation time (composition offset 0), and ffprobe reports
            // decode times as stored, so they are the segment start times.
            List<Double> keyframes = Probed.packets(file).stream().filter(Probed.Packet::keyframe)
                    .map(Probed.Packet::dts).toList();
            List<Double> segmentStarts = track.segments().stream()
                    .map(s -> (double) s.start() / track.timescale()).toList();
            assertThat(keyframes).as("%s: one keyframe per segment, at its start", track.id())
                    .hasSameSizeAs(segmentStarts);
            for (int i = 0; i < keyframes.size(); i++) {
                assertThat(keyframes.get(i)).isCloseTo(segmentStarts.get(i), within(0.001));
            }
            keyframesPerRung.add(keyframes);
        }
        assertThat(keyframesPerRung).allSatisfy(k -> assertThat(k).isEqualTo(keyframesPerRung.get(0)));
    }

    @Test
    void everySegmentIsPresentedFromItsTimelineStartAsMseReadsIt() throws Exception {
        for (Ladder.Track track : ladder480.video()) {
            Path dir = out480.resolve(track.id());
            for (Ladder.Segment s : track.segments()) {
                double earliest = Bmff.earliestPresentation(dir.resolve("init.mp4"), dir.resolve(PackageLayout.segmentFile(s.number())));
                assertThat(earliest).as("%s segment %d", track.id(), s.number())
                        .isCloseTo((double) s.start() / track.timescale(), within(1e-6));
            }
        }
        Ladder.Track audio = ladder480.audio();
        Path dir = out480.resolve("audio");
        assertThat(Bmff.earliestPresentation(dir.resolve("init.mp4"), dir.resolve(PackageLayout.segmentFile(1)))).isZero();
    }

    @Test
    void segmentsLastTheTargetDurationWithinOneFrame() {
        for (Ladder ladder : List.of(ladder480, ladder360)) {
            for (Ladder.Track track : ladder.video()) {
                List<Ladder.Segment> segments = track.segments();
                for (int i = 0; i < segments.size() - 1; i++) {
                    double seconds = (double) segments.get(i).duration() / track.timescale();
                    assertThat(seconds).as("%s segment %d", track.id(), i + 1).isCloseTo(2.0, within(FRAME + 1e-6));
                }
                Ladder.Segment last = segments.get(segments.size() - 1);
                assertThat((double) last.duration() / track.timescale()).isLessThanOrEqualTo(2.0 + FRAME);
            }
            Ladder.Track audio = ladder.audio();
            for (int i = 0; i < audio.segments().size() - 1; i++) {
                double seconds = (double) audio.segments().get(i).duration() / audio.timescale();
                assertThat(seconds).isCloseTo(2.0, within(1024.0 / 48000 + 1e-6));
            }
        }
    }

    @Test
    void eachSegmentDecodesOnItsOwnAfterTheInitSegment() throws Exception {
        Ladder.Track track = ladder480.video().get(1);
        Path dir = out480.resolve(track.id());
        Path file = Probed.concatenate(List.of(dir.resolve("init.mp4"), dir.resolve(PackageLayout.segmentFile(3))),
                tmp.resolve("alone.mp4"));
        String frames = FfmpegTools.probe("-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file.toString()).trim();
        long expected = Math.round((double) track.segments().get(2).duration() / track.timescale() / FRAME);
        assertThat(Long.parseLong(frames.lines().findFirst().orElseThrow().trim())).isEqualTo(expected);
        assertThat(Probed.packets(file).get(0).keyframe()).isTrue();
    }

    @Test
    void audioAndVideoBothStartAtZeroAndEndTogether() throws Exception {
        Path video = Probed.concatenate(out480.resolve("480p"), tmp.resolve("sync-v.mp4"));
        Path audio = Probed.concatenate(out480.resolve("audio"), tmp.resolve("sync-a.mp4"));
        assertThat(Probed.packets(video).get(0).dts()).isZero();
        assertThat(Probed.packets(audio).get(0).pts()).isZero();
        // Source: audio 0..10.0 s, video 2.235..10.04 s. Output: both from 0, each ending where its source ends.
        assertThat(seconds(ladder480.video().get(0))).isCloseTo(10.04, within(2 * FRAME));
        assertThat(seconds(ladder480.audio())).isCloseTo(10.0, within(0.03));
        assertThat(ladder480.durationSeconds()).isCloseTo(10.04, within(2 * FRAME));
    }

    @Test
    void videoLeadInBeforeTheFirstPictureIsBlackAndThePictureThenMatchesTheSource() throws Exception {
        Path video = Probed.concatenate(out480.resolve("480p"), tmp.resolve("black.mp4"));
        List<double[]> ours = Probed.lumaByFrame(video);
        List<double[]> source = Probed.lumaByFrame(TestMedia.clip480p());
        assertThat(ours.stream().filter(f -> f[0] < 2.1)).isNotEmpty()
                .allSatisfy(f -> assertThat(f[1]).as("luma at %.3f s", f[0]).isLessThan(20));
        // Same picture as the source at the same time (both as ffprobe presents them; mean luma within 3 %).
        double sourceAt5 = nearest(source, 5.0);
        double oursAt5 = nearest(ours, 5.0);
        assertThat(oursAt5).isCloseTo(sourceAt5, within(Math.max(3, sourceAt5 * 0.03)));
    }

    @Test
    void posterIsAJpegNoWiderThan1280WithTheSourceAspect() {
        Path poster = out480.resolve(PackageLayout.POSTER);
        assertThat(poster).exists();
        Map<String, String> stream = Probed.stream("codec_name,width,height", poster);
        assertThat(stream).containsEntry("codec_name", "mjpeg");
        int width = Integer.parseInt(stream.get("width"));
        int height = Integer.parseInt(stream.get("height"));
        assertThat(width).isLessThanOrEqualTo(1280);
        assertThat((double) width / height).isCloseTo(16.0 / 9, within(0.02));
    }

    @Test
    void progressRisesFromTheStartToOne() {
        assertThat(progress).hasSizeGreaterThan(10);
        assertThat(progress).isSorted();
        assertThat(progress.get(0)).isLessThan(0.5);
        assertThat(progress.get(progress.size() - 1)).isEqualTo(1.0);
    }

    @Test
    void cancellingStopsTheEncodeWithoutFinishingIt() throws Exception {
        AtomicBoolean cancel = new AtomicBoolean();
        MediaInfo info = pipeline.probe(TestMedia.clip360p());
        Path out = tmp.resolve("cancelled");
        assertThatThrownBy(() -> pipeline.encode(TestMedia.clip360p(), info, out, p -> cancel.set(p > 0.3), cancel::get))
                .isInstanceOf(MediaException.Cancelled.class);
        assertThat(out.resolve(PackageLayout.MPD)).doesNotExist();
        assertThat(Files.exists(out.resolve("360p").resolve(PackageLayout.segmentFile(5)))).isFalse();
    }

    @Test
    void publishedMpdValidatesAgainstTheDashSchemaAndNamesOnlyFilesOnDisk() throws Exception {
        DashSchema schema = DashSchema.fromSharedFolder();
        for (Path out : List.of(out480, out360)) {
            String mpd = Files.readString(out.resolve(PackageLayout.MPD));
            schema.requireValid(mpd);
            DashManifest manifest = DashManifest.parse(mpd);
            for (DashManifest.Representation r : manifest.representations()) {
                assertThat(out.resolve(r.initialization())).exists();
                assertThat(r.segments()).isNotEmpty()
                        .allSatisfy(s -> assertThat(out.resolve(s.uri())).as(s.uri()).exists());
            }
        }
    }

    @Test
    void hlsPlaylistsListExactlyTheSegmentFilesOnDisk() throws Exception {
        HlsPlaylist master = HlsPlaylist.parse(Files.readString(out480.resolve(PackageLayout.HLS_MASTER)));
        assertThat(master.variants()).hasSize(3);
        List<String> playlists = new ArrayList<>(master.variants().stream().map(HlsPlaylist.Variant::uri).toList());
        playlists.add(master.renditions().get(0).attribute("URI").orElseThrow());
        for (String uri : playlists) {
            Path playlist = out480.resolve(uri);
            HlsPlaylist media = HlsPlaylist.parse(Files.readString(playlist));
            List<String> onDisk;
            try (var files = Files.list(playlist.getParent())) {
                onDisk = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".m4s")).sorted().toList();
            }
            assertThat(media.segments()).extracting(HlsPlaylist.Segment::uri).containsExactlyElementsOf(onDisk);
            assertThat(playlist.getParent().resolve("init.mp4")).exists();
        }
    }

    private static double seconds(Ladder.Track track) {
        Ladder.Segment last = track.segments().get(track.segments().size() - 1);
        return (double) (last.start() + last.duration()) / track.timescale();
    }

    private static double nearest(List<double[]> frames, double t) {
        return frames.stream().min((a, b) -> Double.compare(Math.abs(a[0] - t), Math.abs(b[0] - t))).orElseThrow()[1];
    }
}
