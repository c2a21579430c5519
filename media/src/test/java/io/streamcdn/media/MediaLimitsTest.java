package io.streamcdn.media;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The size and length limits as pure decisions: which pictures and playing times pass 4096x2304 and 4 h. */
class MediaLimitsTest {

    private final MediaLimits limits = MediaLimits.defaults();

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"4096,2304", "3840,2160", "2160,3840", "2304,4096", "1920,1080", "3000,3000", "16,16"})
    void picturesWithinTheLongSideAndThePixelCountPassEitherWayUp(int width, int height) {
        assertThatCode(() -> limits.checkPicture(width, height)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"7680,4320", "4320,7680", "15360,8640", "4097,2000", "10000,100", "4096,4096", "3100,3100"})
    void largerPicturesOrLongerSidesAreRefusedNamingBothSizes(int width, int height) {
        assertThatThrownBy(() -> limits.checkPicture(width, height))
                .isInstanceOfSatisfying(MediaException.OverLimit.class,
                        e -> assertThat(e.limit()).isEqualTo(MediaException.OverLimit.Limit.RESOLUTION))
                .hasMessageContaining(width + "x" + height).hasMessageContaining("4096x2304");
    }

    @Test
    void unknownSidesAndDurationsPassForTheNextCheck() {
        assertThatCode(() -> {
            limits.checkPicture(0, 0);
            limits.checkDuration(Double.NaN);
            limits.checkDuration(0);
        }).doesNotThrowAnyException();
    }

    @Test
    void fourHoursPassAndOneSecondMoreIsRefusedAsAClockTime() throws Exception {
        limits.checkDuration(4 * 3600);

        assertThatThrownBy(() -> limits.checkDuration(4 * 3600 + 1))
                .isInstanceOfSatisfying(MediaException.OverLimit.class,
                        e -> assertThat(e.limit()).isEqualTo(MediaException.OverLimit.Limit.DURATION))
                .hasMessage("the video lasts 4:00:01; the longest accepted is 4:00:00");
    }

    @Test
    void resolutionsParseAsOperatorsWriteThem() {
        assertThat(Resolution.parse(" 1920x1080 ")).isEqualTo(new Resolution(1920, 1080));
        assertThat(Resolution.parse("1280X720")).hasToString("1280x720");
        assertThatThrownBy(() -> Resolution.parse("4k")).hasMessageContaining("'4k' is not a picture size");
        assertThatThrownBy(() -> Resolution.parse("0x100")).hasMessageContaining("at least 1 pixel");
        assertThatThrownBy(() -> new MediaLimits(Duration.ZERO, Resolution.parse("16x16")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
