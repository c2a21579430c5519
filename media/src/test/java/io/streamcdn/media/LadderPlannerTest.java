package io.streamcdn.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LadderPlannerTest {

    private final LadderPlanner planner = new LadderPlanner(Rung.DEFAULT_LADDER);

    private static MediaInfo.Video source(int width, int height, int sarNum, int sarDen) {
        return new MediaInfo.Video(0, "h264", "High", width, height, new Rational(30, 1), new Rational(sarNum, sarDen),
                "yuv420p", 0, 10);
    }

    @ParameterizedTest(name = "{0}x{1} SAR {2}:{3}")
    @CsvSource({"1920,1080,1,1", "3840,2160,1,1", "1280,720,1,1", "854,480,1280,1281", "640,360,1,1", "853,479,1,1",
            "720,576,64,45", "1080,1920,1,1", "160,120,1,1", "1000,1000,1,1", "1920,800,1,1"})
    void everyPlanIsEvenSizedKeepsTheAspectNeverUpscalesAndIsNeverEmpty(int w, int h, int sarNum, int sarDen) {
        MediaInfo.Video video = source(w, h, sarNum, sarDen);
        List<VideoRendition> plan = planner.plan(video);

        assertThat(plan).isNotEmpty();
        double displayedW = w * ((double) sarNum / sarDen);
        for (VideoRendition r : plan) {
            assertThat(r.width() % 2).as("%s width", r.id()).isZero();
            assertThat(r.height() % 2).as("%s height", r.id()).isZero();
            assertThat((double) r.width() / r.height()).as("%s aspect", r.id())
                    .isCloseTo(video.displayAspectRatio(), within(video.displayAspectRatio() * 0.01 + 2.0 / r.height()));
            assertThat(Math.min(r.width(), r.height())).as("%s short side", r.id())
                    .isLessThanOrEqualTo((int) Math.round(Math.min(displayedW, h)));
            assertThat(r.maxrateKbps()).isGreaterThan(r.bitrateKbps());
            assertThat(r.bufsizeKbits()).isGreaterThanOrEqualTo(r.maxrateKbps());
        }
        assertThat(plan).extracting(r -> Math.min(r.width(), r.height()))
                .isSortedAccordingTo((a, b) -> Integer.compare(b, a));
    }

    @Test
    void neverUpscalesAboveTheSource() {
        assertThat(planner.plan(source(854, 480, 1280, 1281))).extracting(VideoRendition::id)
                .containsExactly("480p", "360p", "240p");
        assertThat(planner.plan(source(1920, 1080, 1, 1))).extracting(VideoRendition::id)
                .containsExactly("1080p", "720p", "480p", "360p", "240p");
    }

    @Test
    void sourceBetweenRungsStartsAtTheLargestRungBelowIt() {
        assertThat(planner.plan(source(1600, 900, 1, 1))).extracting(VideoRendition::id)
                .containsExactly("720p", "480p", "360p", "240p");
    }

    @Test
    void sixteenByNineRungsHaveTheirUsualSizes() {
        assertThat(planner.plan(source(1920, 1080, 1, 1))).extracting(r -> r.width() + "x" + r.height())
                .containsExactly("1920x1080", "1280x720", "852x480", "640x360", "426x240");
    }

    @Test
    void anamorphicPalIsPlannedWithSquarePixelsAtItsDisplayAspect() {
        VideoRendition top = planner.plan(source(720, 576, 64, 45)).get(0);
        assertThat(top.id()).isEqualTo("480p");
        assertThat(top.width()).isEqualTo(852);
    }

    @Test
    void portraitVideoUsesTheShortSideAsTheRungHeight() {
        List<VideoRendition> plan = planner.plan(source(1080, 1920, 1, 1));
        assertThat(plan.get(0).id()).isEqualTo("1080p");
        assertThat(plan.get(0).width()).isEqualTo(1080);
        assertThat(plan.get(0).height()).isEqualTo(1920);
        assertThat(plan.get(1).width()).isEqualTo(720);
        assertThat(plan.get(1).height()).isEqualTo(1280);
    }

    @Test
    void sourceSmallerThanEveryRungGetsOneRenditionAtItsOwnSize() {
        List<VideoRendition> plan = planner.plan(source(160, 120, 1, 1));
        assertThat(plan).hasSize(1);
        VideoRendition only = plan.get(0);
        assertThat(only.width()).isEqualTo(160);
        assertThat(only.height()).isEqualTo(120);
        assertThat(only.id()).isEqualTo("120p");
        assertThat(only.bitrateKbps()).isGreaterThanOrEqualTo(LadderPlanner.MIN_KBPS).isLessThanOrEqualTo(400);
    }

    @Test
    void vbvAllowsOneAndAHalfTimesTheBitrateOverTwoSecondsOfBuffer() {
        VideoRendition r = planner.plan(source(1280, 720, 1, 1)).get(0);
        assertThat(r.bitrateKbps()).isEqualTo(3000);
        assertThat(r.maxrateKbps()).isEqualTo(4500);
        assertThat(r.bufsizeKbits()).isEqualTo(9000);
    }
}
