package io.streamcdn.common.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HttpDateTest {

    private static final long SECONDS = Instant.parse("1994-11-06T08:49:37Z").getEpochSecond();

    @Test
    void writesImfFixdate() {
        assertThat(HttpDate.format(SECONDS * 1000 + 999)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994", " Sun, 06 Nov 1994 08:49:37 GMT "})
    void readsTheThreeFormsRecipientsMustAccept(String text) {
        assertThat(HttpDate.parseEpochSeconds(text)).contains(SECONDS);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "yesterday", "06 Nov 1994", "Sun, 06 Nov 1994 08:49:37", "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Foo-94 08:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT"})
    void anythingElseIsNoDate(String text) {
        assertThat(HttpDate.parseEpochSeconds(text)).isEmpty();
    }

    // Found by ConditionalHeadersFuzzTest: "yyyy" read signed years of any length in the IMF and asctime forms.
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"Sun Nov  6 08:49:37 +99999994", "Sat, 06 Nov +12345 08:49:37 GMT",
            "Sun, 06 Nov 01994 08:49:37 GMT", "Sun Nov  6 08:49:37 94"})
    void aYearIsExactlyFourDigits(String text) {
        assertThat(HttpDate.parseEpochSeconds(text)).isEmpty();
    }

    @Test
    void aTimeBeyondFourDigitYearsIsWrittenAsTheNearestOne() {
        assertThat(HttpDate.format(Long.MAX_VALUE)).isEqualTo("Fri, 31 Dec 9999 23:59:59 GMT");
        assertThat(HttpDate.format(Long.MIN_VALUE)).isEqualTo("Mon, 01 Jan 0001 00:00:00 GMT");
    }

    @Test
    void roundTrips() {
        long now = System.currentTimeMillis();
        assertThat(HttpDate.parseEpochSeconds(HttpDate.format(now))).contains(Math.floorDiv(now, 1000));
    }

    @Test
    void accessLogPathsCannotForgeLines() {
        assertThat(AccessLog.printable("/a\nGET /b\r")).isEqualTo("/a\\x0aGET\\x20/b\\x0d");
        assertThat(AccessLog.printable("x".repeat(600))).hasSize(515).endsWith("...");
    }
}
