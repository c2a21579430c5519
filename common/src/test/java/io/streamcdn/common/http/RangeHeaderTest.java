package io.streamcdn.common.http;

import io.streamcdn.common.http.RangeHeader.From;
import io.streamcdn.common.http.RangeHeader.FromTo;
import io.streamcdn.common.http.RangeHeader.Malformed;
import io.streamcdn.common.http.RangeHeader.Multiple;
import io.streamcdn.common.http.RangeHeader.Single;
import io.streamcdn.common.http.RangeHeader.Suffix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RangeHeaderTest {

    @Test
    void noHeaderMeansTheWholeFile() {
        assertThat(RangeHeader.parse(null)).isInstanceOf(RangeHeader.Absent.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-499          | 0   | 499",
            "bytes=500-999        | 500 | 999",
            "bytes=0-0            | 0   | 0",
            "BYTES=1-2            | 1   | 2",
            "Bytes=1-2            | 1   | 2",
            "'  bytes=1-2  '      | 1   | 2",
            "bytes= 1-2           | 1   | 2",
            "bytes=1-2,           | 1   | 2",
            "'bytes=,1-2, ,'      | 1   | 2",
            "bytes=007-009        | 7   | 9",
    })
    void readsFirstToLast(String header, long first, long last) {
        assertThat(RangeHeader.parse(header)).isEqualTo(new Single(new FromTo(first, last)));
    }

    @Test
    void readsAnOpenEndedRange() {
        assertThat(RangeHeader.parse("bytes=9500-")).isEqualTo(new Single(new From(9500)));
    }

    @Test
    void readsASuffixRange() {
        assertThat(RangeHeader.parse("bytes=-500")).isEqualTo(new Single(new Suffix(500)));
    }

    @Test
    void numbersTooLargeForALongMeanBeyondAnyFile() {
        assertThat(RangeHeader.parse("bytes=0-99999999999999999999999999"))
                .isEqualTo(new Single(new FromTo(0, Long.MAX_VALUE)));
        assertThat(RangeHeader.parse("bytes=99999999999999999999999999-"))
                .isEqualTo(new Single(new From(Long.MAX_VALUE)));
        assertThat(RangeHeader.parse("bytes=-99999999999999999999999999"))
                .isEqualTo(new Single(new Suffix(Long.MAX_VALUE)));
        assertThat(RangeHeader.parse("bytes=-9223372036854775808"))
                .isEqualTo(new Single(new Suffix(Long.MAX_VALUE)));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=1-2-3", "bytes=a-1", "bytes=1-b",
            "bytes=5-2", "bytes =1-2", "bytes=1 - 2", "bytes=+1-2", "bytes=-1-", "items=0-10", "0-10", "bytes=,",
            "bytes=0x10-20", "bytes=１-２"})
    void malformedHeadersAreRecognised(String header) {
        assertThat(RangeHeader.parse(header)).isInstanceOf(Malformed.class);
    }

    @Test
    void severalRangesAreRecognisedAsMultiple() {
        assertThat(RangeHeader.parse("bytes=0-10, 20-30,-5"))
                .isEqualTo(new Multiple(java.util.List.of(new FromTo(0, 10), new FromTo(20, 30), new Suffix(5))));
    }

    @Test
    void oneMalformedMemberMakesTheWholeHeaderMalformed() {
        assertThat(RangeHeader.parse("bytes=0-10,x")).isInstanceOf(Malformed.class);
    }

    @ParameterizedTest(name = "{0} of {1} bytes -> {2}+{3}")
    @CsvSource({
            // first-last
            "0-499,       1000, 0,   500",
            "500-999,     1000, 500, 500",
            "500-5000,    1000, 500, 500",
            "999-999,     1000, 999, 1",
            "0-0,         1,    0,   1",
            // first-
            "0-,          1000, 0,   1000",
            "999-,        1000, 999, 1",
            // -suffix
            "-1,          1000, 999, 1",
            "-500,        1000, 500, 500",
            "-1000,       1000, 0,   1000",
            "-5000,       1000, 0,   1000",
    })
    void resolvesAgainstTheFileSize(String spec, long size, long offset, long length) {
        Single single = (Single) RangeHeader.parse("bytes=" + spec);

        assertThat(single.spec().resolve(size)).contains(new ByteRange(offset, length));
    }

    @ParameterizedTest(name = "{0} of {1} bytes")
    @CsvSource({
            "1000-1999, 1000",
            "1000-,     1000",
            "5000-6000, 1000",
            "-0,        1000",
            "0-0,       0",
            "0-,        0",
            "-5,        0",
    })
    void rangesStartingBeyondTheEndAreUnsatisfiable(String spec, long size) {
        Single single = (Single) RangeHeader.parse("bytes=" + spec);

        assertThat(single.spec().resolve(size)).isEqualTo(Optional.empty());
    }

    @Test
    void contentRangeNamesFirstLastAndSize() {
        assertThat(new ByteRange(500, 500).contentRange(1000)).isEqualTo("bytes 500-999/1000");
    }

    @Test
    void nineteenDigitNumbersThatFitALongAreReadExactly() {
        assertThat(RangeHeader.parse("bytes=5404319552844595200-5404319552844595201"))
                .isEqualTo(new Single(new FromTo(5_404_319_552_844_595_200L, 5_404_319_552_844_595_201L)));
        assertThat(RangeHeader.parse("bytes=-9223372036854775807"))
                .isEqualTo(new Single(new Suffix(Long.MAX_VALUE)));
        assertThat(RangeHeader.parse("bytes=00000000000000000000000000007-"))
                .isEqualTo(new Single(new From(7)));
    }
}
