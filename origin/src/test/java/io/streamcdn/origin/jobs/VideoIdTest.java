package io.streamcdn.origin.jobs;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VideoIdTest {

    @Test
    void idsAreTwelveLowerCaseLettersAndDigitsAndDoNotRepeat() throws Exception {
        VideoId ids = new VideoId(new SecureRandom());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            assertThat(id).matches("[a-z0-9]{12}");
            assertThat(VideoId.isValid(id)).isTrue();
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void validationAcceptsWhatTheFileServerAccepts() throws Exception {
        assertThat(VideoId.isValid("abc123")).isTrue();
        assertThat(VideoId.isValid("a".repeat(32))).isTrue();
        assertThat(VideoId.isValid("abc12")).isFalse();
        assertThat(VideoId.isValid("a".repeat(33))).isFalse();
        assertThat(VideoId.isValid("ABC123")).isFalse();
        assertThat(VideoId.isValid("../etc")).isFalse();
        assertThat(VideoId.isValid(null)).isFalse();
    }
}
