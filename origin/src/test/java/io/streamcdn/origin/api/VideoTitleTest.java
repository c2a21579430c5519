package io.streamcdn.origin.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VideoTitleTest {

    @Test
    void givenTitleIsTrimmedAndWins() throws Exception {
        assertThat(VideoTitle.choose("  My trip \n", "trip.mp4")).isEqualTo("My trip");
    }

    @Test
    void blankTitleFallsBackToTheFileNameThenUntitled() throws Exception {
        assertThat(VideoTitle.choose("   ", "trip.mp4")).isEqualTo("trip.mp4");
        assertThat(VideoTitle.choose(null, null)).isEqualTo("Untitled");
        assertThat(VideoTitle.choose("", " ")).isEqualTo("Untitled");
    }

    @Test
    void longTitleIsCutAtTwoHundredCharactersWithoutSplittingACharacter() throws Exception {
        String emoji = "\uD83C\uDFAC"; // one code point, two chars
        String title = VideoTitle.choose(emoji.repeat(250), null);

        assertThat(title.codePointCount(0, title.length())).isEqualTo(200);
        assertThat(title).isEqualTo(emoji.repeat(200));
    }

    @Test
    void controlCharactersAreRemoved() throws Exception {
        assertThat(VideoTitle.choose("a\u0000b\u0007c", null)).isEqualTo("a b c");
    }
}
