package io.streamcdn.media;

import io.streamcdn.media.testing.Bmff;
import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.Probed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A source built to expose sync errors: mono 44.1 kHz audio that is silent except for a 1 kHz beep at
 * 4.0 s, and 25 fps video that starts 1.5 s after the audio (like the shared clips' 2.235 s) and is black
 * except for a white flash at 4.0 s. After encoding, the flash and the beep must still coincide.
 */
class AudioVideoSyncTest {

    private static final double FLASH_AT = 4.0;
    private static final double VIDEO_START = 1.5;

    @Test
    void flashAndBeepStillCoincideAfterEncodingASourceWhoseVideoStartsLate(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("flash-beep.mp4");
        FfmpegTools.ffmpeg(
                "-f", "lavfi", "-i", "aevalsrc=if(between(t\\," + FLASH_AT + "\\," + (FLASH_AT + 0.1)
                        + ")\\,0.8*sin(2*PI*1000*t)\\,0):s=44100:d=7",
                "-itsoffset", Double.toString(VIDEO_START),
                "-f", "lavfi", "-i", "color=c=black:s=320x240:r=25:d=5.5,format=yuv420p,geq=lum='if(between(T\\,"
                        + (FLASH_AT - VIDEO_START) + "\\," + (FLASH_AT - VIDEO_START + 0.039) + ")\\,235\\,16)':cb=128:cr=128",
                "-map", "0:a", "-map", "1:v", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-ac", "1",
                source.toString());
        MediaPipeline pipeline = new MediaPipeline(EncoderSettings.defaults());
        MediaInfo info = pipeline.probe(source);
        assertThat(info.video().startSeconds()).isCloseTo(VIDEO_START, within(0.05));
        assertThat(info.audio().sampleRate()).isEqualTo(44100);
        assertThat(info.audio().channels()).isEqualTo(1);

        Path out = tmp.resolve("out");
        Ladder ladder = pipeline.encode(source, info, out, p -> { }, () -> false).ladder();
        Ladder.Track rung = ladder.video().get(0);
        Path video = Probed.concatenate(out.resolve(rung.id()), tmp.resolve("v.mp4"));
        Path audio = Probed.concatenate(out.resolve("audio"), tmp.resolve("a.mp4"));

        assertThat(Probed.stream("sample_rate,channels", audio))
                .containsEntry("sample_rate", "48000").containsEntry("channels", "2");
        double flash = flashTime(video, out.resolve(rung.id()));
        assertThat(Bmff.editListOffset(out.resolve(rung.id()).resolve("init.mp4"))).as("video edit list offset").isZero();
        assertThat(Bmff.editListOffset(out.resolve("audio").resolve("init.mp4"))).as("audio edit list offset").isZero();
        double beep = beepTime(audio);
        assertThat(flash).as("flash").isCloseTo(FLASH_AT, within(0.041));
        assertThat(beep).as("beep").isCloseTo(FLASH_AT, within(0.025));
        assertThat(flash - beep).as("flash - beep").isCloseTo(0, within(0.045));
    }

    /**
     * When the flash shows, read the way MSE reads it: decoding tells which frame (in presentation order)
     * is the flash; the boxes tell when that frame is presented. FFmpeg's own frame times are not used,
     * because its mov demuxer shifts tracks that use negative composition offsets.
     */
    private static double flashTime(Path video, Path rungDir) throws Exception {
        List<double[]> frames = Probed.lumaByFrame(video);
        int index = 0;
        while (frames.get(index)[1] <= 128) {
            index++;
        }
        List<Double> times = new ArrayList<>();
        try (var files = Files.list(rungDir)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".m4s")).sorted().toList()) {
                times.addAll(Bmff.presentationTimes(rungDir.resolve("init.mp4"), segment));
            }
        }
        Collections.sort(times);
        assertThat(times).hasSameSizeAs(frames);
        return times.get(index);
    }

    /** When the beep starts: the end of the leading silence, as FFmpeg's silencedetect finds it. */
    private static double beepTime(Path audio) {
        String log = FfmpegTools.ffmpeg("-v", "info", "-i", audio.toString(), "-af", "silencedetect=n=-30dB:d=0.5",
                "-f", "null", "-");
        Matcher m = Pattern.compile("silence_end: ([0-9.]+)").matcher(log);
        assertThat(m.find()).as("silencedetect output: %s", log).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
