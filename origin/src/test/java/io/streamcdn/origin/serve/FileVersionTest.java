package io.streamcdn.origin.serve;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FileVersionTest {

    private static final long MODIFIED_MILLIS = 1_709_294_400_123L;
    private static final FileVersion FILE = new FileVersion(1000, MODIFIED_MILLIS);

    @Test
    void theETagIsStrongAndHexOfSizeAndMtime() {
        assertThat(FILE.etag().toString()).isEqualTo("\"3e8-" + Long.toHexString(MODIFIED_MILLIS) + "\"");
        assertThat(FILE.etag().weak()).isFalse();
        assertThat(new FileVersion(1001, MODIFIED_MILLIS).etag()).isNotEqualTo(FILE.etag());
        assertThat(new FileVersion(1000, MODIFIED_MILLIS + 1).etag()).isNotEqualTo(FILE.etag());
    }

    @Test
    void validatorsCarryTheETagAndWholeSecondsOfTheMtime() {
        assertThat(FILE.validators().size()).isEqualTo(1000);
        assertThat(FILE.validators().etag()).contains(FILE.etag());
        assertThat(FILE.validators().lastModifiedSeconds()).hasValue(1_709_294_400L);
    }
}
