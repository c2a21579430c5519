package io.streamcdn.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LadderPlannerTest {

    private static final LadderPlanner DEFAULT = new LadderPlanner(Rung.DEFAULT_LADDER);

    static Stream<Arguments> sources() {
        return Stream.of(
                source(1920, 1080), source(1280, 720), source(854, 480), source(640, 360),
                source(853, 479), source(1279, 720), source(1921, 1081), source(1600, 900),
                source(720, 576, 64, 45), source(720, 480, 8, 9), source(1440, 1080, 4, 3),
                source(1080, 1920), source(720, 1280), source(480, 848),
                source(160, 120), source(175, 97), source(3840, 2160), source(2560, 1080))
                .map(LadderPlannerTest::named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void neverUpscalesAboveTheSource(MediaInfo.Video source) {
        double displayWidth = source.height() * source.displayAspectRatio();

        assertThat(DEFAULT.plan(source)).allSatisfy(r -> {
            assertThat(r.height()).isLessThanOrEqualTo(source.height());
            assertThat((double) r.width()).isLessThanOrEqualTo(displayWidth + 1e-9);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void alwaysPlansAtLeastOneRendition(MediaInfo.Video source) {
        assertThat(DEFAULT.plan(source)).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void producesEvenSizes(MediaInfo.Video source) {
        assertThat(DEFAULT.plan(source)).allSatisfy(r -> {
            assertThat(r.width() % 2).as("width of %s", r).isZero();
            assertThat(r.height() % 2).as("height of %s", r).isZero();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void keepsTheDisplayAspectRatioWithinOnePercent(MediaInfo.Video source) {
        double aspect = source.displayAspectRatio();

        assertThat(DEFAULT.plan(source)).allSatisfy(r ->
                assertThat((double) r.width() / r.height()).as("%s", r).isCloseTo(aspect, within(aspect * 0.01)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void ordersRenditionsHighestFirst(MediaInfo.Video source) {
        List<VideoRendition> plan = DEFAULT.plan(source);

        for (int i = 1; i < plan.size(); i++) {
            assertThat(plan.get(i).height()).isLessThan(plan.get(i - 1).height());
            assertThat(plan.get(i).width()).isLessThan(plan.get(i - 1).width());
            assertThat(plan.get(i).bitrateKbps()).isLessThanOrEqualTo(plan.get(i - 1).bitrateKbps());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void capsPeaksAtOneAndAHalfTimesTheTargetWithAOneSecondBuffer(MediaInfo.Video source) {
        assertThat(DEFAULT.plan(source)).allSatisfy(r -> {
            assertThat(r.maxrateKbps()).isEqualTo(Math.round(r.bitrateKbps() * 1.5f));
            assertThat(r.bufsizeKbits()).isEqualTo(r.bitrateKbps());
        });
    }

    @Test
    void plansTheWholeDefaultLadderForA1080pSource() {
        assertThat(DEFAULT.plan(source(1920, 1080))).containsExactly(
                new VideoRendition("1080p", 1920, 1080, 5000, 7500, 5000),
                new VideoRendition("720p", 1280, 720, 3000, 4500, 3000),
                new VideoRendition("480p", 854, 480, 1400, 2100, 1400),
                new VideoRendition("360p", 640, 360, 800, 1200, 800),
                new VideoRendition("240p", 426, 240, 400, 600, 400));
    }

    @Test
    void topRenditionIsTheLargestRungAtOrBelowTheSourceHeight() {
        assertThat(DEFAULT.plan(source(1600, 900))).extracting(VideoRendition::id)
                .containsExactly("720p", "480p", "360p", "240p");
        assertThat(DEFAULT.plan(source(1280, 720))).extracting(VideoRendition::id)
                .containsExactly("720p", "480p", "360p", "240p");
        // One line short of 480p is not 480p: the planner does not invent lines.
        assertThat(DEFAULT.plan(source(853, 479))).extracting(VideoRendition::id).containsExactly("360p", "240p");
    }

    @Test
    void neverWidensTheTopRenditionPastTheSource() {
        // 720 x 1279/720 rounds to 1280 if left alone: one column the source does not have.
        assertThat(DEFAULT.plan(source(1279, 720)).get(0)).isEqualTo(new VideoRendition("720p", 1278, 720, 3000, 4500, 3000));
    }

    @Test
    void roundsOddSizesToTheNearestEvenWidth() {
        assertThat(DEFAULT.plan(source(853, 479))).extracting(r -> r.width() + "x" + r.height())
                .containsExactly("642x360", "428x240");
    }

    @Test
    void scalesAnamorphicSourcesToSquarePixels() {
        // PAL 16:9: 720x576 stored, 1024x576 displayed.
        assertThat(DEFAULT.plan(source(720, 576, 64, 45))).extracting(r -> r.id() + " " + r.width() + "x" + r.height())
                .containsExactly("480p 854x480", "360p 640x360", "240p 426x240");
        // NTSC 4:3: 720x480 stored, 640x480 displayed.
        assertThat(DEFAULT.plan(source(720, 480, 8, 9)).get(0)).extracting(VideoRendition::width).isEqualTo(640);
    }

    @Test
    void namesPortraitRenditionsByTheirShorterSide() {
        assertThat(DEFAULT.plan(source(1080, 1920))).extracting(r -> r.id() + " " + r.width() + "x" + r.height())
                .containsExactly("1080p 1080x1920", "720p 720x1280", "480p 480x854", "360p 360x640", "240p 240x426");
    }

    @Test
    void givesPortraitRenditionsTheBitratesOfTheirLandscapeRungs() {
        assertThat(DEFAULT.plan(source(1080, 1920))).extracting(VideoRendition::bitrateKbps)
                .containsExactlyElementsOf(DEFAULT.plan(source(1920, 1080)).stream().map(VideoRendition::bitrateKbps).toList());
    }

    @Test
    void aSourceSmallerThanEveryRungGetsOneRenditionAtItsOwnSize() {
        // 400k scaled by 160x120 / 320x240 pixels is 100k, which the 150k floor lifts.
        assertThat(DEFAULT.plan(source(160, 120))).containsExactly(new VideoRendition("120p", 160, 120, 150, 225, 150));
        assertThat(DEFAULT.plan(source(175, 97))).extracting(r -> r.id() + " " + r.width() + "x" + r.height())
                .containsExactly("96p 174x96");
        assertThat(DEFAULT.plan(source(120, 160))).extracting(r -> r.id() + " " + r.width() + "x" + r.height())
                .containsExactly("120p 120x160");
    }

    @Test
    void aSmallSourceGetsTheLowestRungsBitrateScaledByPixelCount() {
        // 384x216 has 82944 pixels, 16:9 at 240 lines 102400: 400k x 0.81 = 324k.
        assertThat(DEFAULT.plan(source(384, 216))).extracting(VideoRendition::bitrateKbps).containsExactly(324);
    }

    @Test
    void theBitrateFloorNeverExceedsTheLowestRungsOwnBitrate() {
        LadderPlanner frugal = new LadderPlanner(List.of(new Rung(240, 100)));

        assertThat(frugal.plan(source(160, 120))).extracting(VideoRendition::bitrateKbps).containsExactly(100);
    }

    @Test
    void theConfiguredOrderOfRungsDoesNotMatter() {
        List<Rung> shuffled = new ArrayList<>(Rung.DEFAULT_LADDER);
        Collections.reverse(shuffled);

        assertThat(new LadderPlanner(shuffled).plan(source(1920, 1080))).isEqualTo(DEFAULT.plan(source(1920, 1080)));
    }

    @Test
    void refusesARungListedTwice() {
        assertThatThrownBy(() -> new LadderPlanner(List.of(new Rung(720, 3000), new Rung(720, 2500))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("720p is listed twice");
    }

    @Test
    void refusesASourceTooSmallForAnEvenSize() {
        assertThatThrownBy(() -> DEFAULT.plan(source(1, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1x1");
    }

    @Test
    void refusesAnEmptyLadder() {
        assertThatThrownBy(() -> new LadderPlanner(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static MediaInfo.Video source(int width, int height) {
        return source(width, height, 1, 1);
    }

    private static MediaInfo.Video source(int width, int height, int sarNum, int sarDen) {
        return new MediaInfo.Video(0, "h264", "High", width, height, new Rational(30, 1),
                new Rational(sarNum, sarDen), "yuv420p", 0, 10, 0);
    }

    private static Arguments named(MediaInfo.Video source) {
        Rational sar = source.sampleAspectRatio();
        String name = source.width() + "x" + source.height() + (sar.num() == sar.den() ? "" : " SAR " + sar.num() + ":" + sar.den());
        return Arguments.of(Named.of(name, source));
    }
}
