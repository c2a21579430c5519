package io.streamcdn.media;

import io.streamcdn.media.testing.FfmpegTools;
import io.streamcdn.media.testing.Probed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Phones store portrait video as a landscape picture plus a display matrix. The ladder must come out
 * upright: portrait sizes, and the picture turned the way FFmpeg's own player (which autorotates) shows it.
 */
class RotationTest {

    @Test
    void videoWithADisplayRotationIsEncodedUprightAsFfmpegShowsIt(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain.mp4");
        // Landscape 320x180, left half white: where that half ends up after turning shows the direction.
        FfmpegTools.ffmpeg("-f", "lavfi", "-i", "color=c=black:s=320x180:r=25:d=3,drawbox=x=0:y=0:w=160:h=180:color=white:t=fill",
                "-f", "lavfi", "-i", "sine=d=3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", plain.toString());
        Path rotated = tmp.resolve("rotated.mp4");
        FfmpegTools.ffmpeg("-display_rotation:v:0", "90", "-i", plain.toString(), "-c", "copy", rotated.toString());

        MediaPipeline pipeline = new MediaPipeline(EncoderSettings.defaults());
        MediaInfo info = pipeline.probe(rotated);
        assertThat(info.video().rotation()).isIn(90, 270);
        assertThat(info.video().upright().width()).isEqualTo(180);
        assertThat(info.video().upright().height()).isEqualTo(320);

        Path out = tmp.resolve("out");
        Ladder ladder = pipeline.encode(rotated, info, out, p -> { }, () -> false).ladder();
        Ladder.Track top = ladder.video().get(0);
        assertThat(top.width()).isEqualTo(180);
        assertThat(top.height()).isEqualTo(320);

        Path ours = Probed.concatenate(out.resolve(top.id()), tmp.resolve("ours.mp4"));
        // FFmpeg's CLI applies the display matrix when it decodes: its picture is the reference.
        boolean referenceTopBright = topHalfBrighter(rotated);
        assertThat(topHalfBrighter(ours)).as("the bright half is where FFmpeg shows it").isEqualTo(referenceTopBright);
        assertThat(Probed.stream("width,height", ours))
                .containsEntry("width", "180").containsEntry("height", "320");
    }

    /** Whether the top half of the picture 1 s in is brighter than the bottom half, as FFmpeg decodes it. */
    private static boolean topHalfBrighter(Path video) {
        return luma(video, "crop=iw:ih/2:0:0") > luma(video, "crop=iw:ih/2:0:ih/2");
    }

    private static double luma(Path video, String crop) {
        String log = FfmpegTools.ffmpeg("-v", "info", "-ss", "1", "-i", video.toString(), "-frames:v", "1",
                "-vf", crop + ",signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG", "-f", "null", "-");
        Matcher m = Pattern.compile("lavfi\\.signalstats\\.YAVG=([0-9.]+)").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
