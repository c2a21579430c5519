package io.streamcdn.media;

import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ProbeTest {

    private final Probe probe = new Probe();

    @Test
    void describesContainerStreamsAndTheVideoStartOffset() throws Exception {
        MediaInfo info = probe.probe(TestMedia.clip480p());

        assertThat(info.container()).contains("mp4");
        assertThat(info.durationSeconds()).isCloseTo(10.04, within(0.05));
        assertThat(info.video().codec()).isEqualTo("hevc");
        assertThat(info.video().width()).isEqualTo(854);
        assertThat(info.video().height()).isEqualTo(480);
        assertThat(info.video().frameRate()).isEqualTo(new Rational(30000, 1001));
        assertThat(info.video().startSeconds()).isCloseTo(2.235, within(0.001));
        assertThat(info.video().displayAspectRatio()).isCloseTo(16.0 / 9, within(0.01));
        assertThat(info.audio().codec()).isEqualTo("aac");
        assertThat(info.audio().sampleRate()).isEqualTo(48000);
        assertThat(info.audio().channels()).isEqualTo(2);
        assertThat(info.audio().startSeconds()).isZero();
        assertThat(info.streams()).hasSize(2);
    }

    @Test
    void textIsNotAVideo(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "this is not a video, whatever its name says\n");
        assertThatThrownBy(() -> probe.probe(text))
                .isInstanceOf(MediaException.Unsupported.class)
                .hasMessageContaining("not a video");
    }

    @Test
    void emptyFileIsRefusedWithAReason(@TempDir Path dir) throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        assertThatThrownBy(() -> probe.probe(empty))
                .isInstanceOf(MediaException.Unsupported.class)
                .hasMessageContaining("empty");
    }

    @Test
    void audioOnlyFileIsNotAVideo(@TempDir Path dir) {
        Path audio = dir.resolve("song.m4a");
        FfmpegTools.ffmpeg("-i", TestMedia.clip360p().toString(), "-vn", "-c", "copy", audio.toString());
        assertThatThrownBy(() -> probe.probe(audio))
                .isInstanceOf(MediaException.Unsupported.class)
                .hasMessageContaining("no video stream");
    }

    @Test
    void stillImageIsNotAVideo(@TempDir Path dir) {
        Path image = dir.resolve("frame.png");
        FfmpegTools.ffmpeg("-ss", "4", "-i", TestMedia.clip360p().toString(), "-frames:v", "1", "-update", "1",
                image.toString());
        assertThatThrownBy(() -> probe.probe(image))
                .isInstanceOf(MediaException.Unsupported.class)
                .hasMessageContaining("image");
    }

    @Test
    void mp4CutBeforeItsIndexIsCorruptNotUnsupported(@TempDir Path dir) throws IOException {
        // The shared clips keep their moov at the end: cutting the file loses the index.
        Path cut = writePrefix(TestMedia.clip480p(), dir.resolve("cut.mp4"), 0.6);
        assertThatThrownBy(() -> probe.probe(cut))
                .isInstanceOf(MediaException.Corrupt.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void faststartMp4CutShortIsDetectedFromItsMissingTail(@TempDir Path dir) throws IOException {
        Path faststart = dir.resolve("faststart.mp4");
        FfmpegTools.ffmpeg("-i", TestMedia.clip480p().toString(), "-c", "copy", "-movflags", "+faststart",
                faststart.toString());
        Path cut = writePrefix(faststart, dir.resolve("cut.mp4"), 0.6);
        assertThatThrownBy(() -> probe.probe(cut))
                .isInstanceOf(MediaException.Corrupt.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("10.0 s");
    }

    @Test
    void aClipDamagedInTheMiddleIsCorruptAndTheSameClipWholeIsNot(@TempDir Path dir) throws Exception {
        for (Path clip : new Path[] {TestMedia.clip480p(), TestMedia.clip360p()}) {
            byte[] bytes = Files.readAllBytes(clip);
            byte[] noise = new byte[bytes.length / 5];
            new java.util.Random(3).nextBytes(noise);
            System.arraycopy(noise, 0, bytes, bytes.length * 2 / 5, noise.length); // 40 % to 60 % of the file
            Path damaged = Files.write(dir.resolve("damaged-" + clip.getFileName()), bytes);

            assertThatThrownBy(() -> probe.probe(damaged)).as(clip.toString())
                    .isInstanceOf(MediaException.Corrupt.class)
                    .hasMessageContaining("damaged about");
            assertThat(probe.probe(clip).durationSeconds()).isGreaterThan(9);
        }
    }

    private static Path writePrefix(Path source, Path target, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        return Files.write(target, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
    }
}
