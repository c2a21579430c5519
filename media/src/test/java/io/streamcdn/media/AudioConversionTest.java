package io.streamcdn.media;

import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.Probed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Whatever the source's audio layout and rate, the ladder's audio is AAC-LC, 48 kHz, stereo. */
class AudioConversionTest {

    @Test
    void fiveOneAudioAt44kHzBecomesStereoAt48kHzWithItsDurationKept(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("surround.mkv");
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4",
                "-f", "lavfi", "-i", "sine=f=440:r=44100:d=4",
                "-filter_complex", "[1:a]pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0[a]",
                "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", source.toString());
        MediaPipeline pipeline = new MediaPipeline(EncoderSettings.defaults());
        MediaInfo info = pipeline.probe(source);
        assertThat(info.audio().channels()).isEqualTo(6);
        assertThat(info.audio().sampleRate()).isEqualTo(44100);

        Path out = tmp.resolve("out");
        Ladder ladder = pipeline.encode(source, info, out, p -> { }, () -> false).ladder();

        Path audio = Probed.concatenate(out.resolve("audio"), tmp.resolve("a.mp4"));
        assertThat(Probed.stream("codec_name,profile,sample_rate,channels", audio))
                .containsEntry("codec_name", "aac").containsEntry("profile", "LC")
                .containsEntry("sample_rate", "48000").containsEntry("channels", "2");
        Ladder.Segment last = ladder.audio().segments().get(ladder.audio().segments().size() - 1);
        assertThat((double) (last.start() + last.duration()) / ladder.audio().timescale()).isCloseTo(4.0, within(0.05));
    }
}
