package io.streamcdn.common.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.common.http.RangeHeader.From;
import io.streamcdn.common.http.RangeHeader.FromTo;
import io.streamcdn.common.http.RangeHeader.Malformed;
import io.streamcdn.common.http.RangeHeader.Multiple;
import io.streamcdn.common.http.RangeHeader.Single;
import io.streamcdn.common.http.RangeHeader.Spec;
import io.streamcdn.common.http.RangeHeader.Suffix;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the {@code Range} parser (Jazzer). In {@code mvn verify} they replay the kept inputs under
 * {@code RangeHeaderFuzzTestInputs/}; {@code bench/fuzz} runs them in fuzzing mode.
 */
class RangeHeaderFuzzTest {

    /** File sizes every parsed range is resolved against: empty, tiny, around the usual numbers, huge. */
    private static final long[] SIZES = {0, 1, 2, 499, 500, 501, 1000, 1L << 31, 1L << 40, Long.MAX_VALUE};

    /**
     * Whatever a client writes, the parser returns an outcome (never throws), a malformed one says why, and every
     * range it resolves lies inside the file: the file server can seek and send it without checking again.
     */
    @FuzzTest
    @DictionaryEntries({"bytes=", "BYTES=", "-", ",", "0", "9223372036854775807", "99999999999999999999", " ", "\t"})
    void anyHeaderGivesAnOutcomeAndEveryResolvedRangeLiesInTheFile(byte[] input) {
        String header = new String(input, StandardCharsets.ISO_8859_1); // header bytes as the server decodes them

        RangeHeader.Parsed parsed = RangeHeader.parse(header);

        assertThat(parsed).as("a present header is never absent").isNotInstanceOf(RangeHeader.Absent.class);
        List<Spec> specs = List.of();
        if (parsed instanceof Malformed malformed) {
            assertThat(malformed.reason()).isNotBlank();
        } else if (parsed instanceof Single single) {
            specs = List.of(single.spec());
        } else if (parsed instanceof Multiple multiple) {
            assertThat(multiple.specs()).hasSizeGreaterThan(1);
            specs = multiple.specs();
        }
        for (Spec spec : specs) {
            for (long size : SIZES) {
                resolvesInside(spec, size);
            }
        }
    }

    private static void resolvesInside(Spec spec, long size) {
        Optional<ByteRange> range = spec.resolve(size);
        range.ifPresent(r -> {
            assertThat(r.offset()).isBetween(0L, size - 1);
            assertThat(r.length()).isBetween(1L, size - r.offset());
            assertThat(r.contentRange(size)).isEqualTo("bytes " + r.offset() + "-" + r.last() + "/" + size);
        });
        if (size == 0) {
            assertThat(range).as("nothing of an empty file is satisfiable").isEmpty();
        }
    }

    /** A range set written the way a client writes it parses back to the same specs, in order. */
    @FuzzTest
    void aWrittenRangeSetParsesBackToItself(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 4);
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long a = data.consumeLong(0, Long.MAX_VALUE);
            specs.add(switch (data.consumeInt(0, 2)) {
                case 0 -> new FromTo(a, data.consumeLong(a, Long.MAX_VALUE));
                case 1 -> new From(a);
                default -> new Suffix(a);
            });
        }
        String header = "bytes=" + specs.stream().map(RangeHeaderFuzzTest::written).collect(Collectors.joining(","));

        RangeHeader.Parsed parsed = RangeHeader.parse(header);

        assertThat(parsed).isEqualTo(count == 1 ? new Single(specs.get(0)) : new Multiple(specs));
    }

    private static String written(Spec spec) {
        if (spec instanceof FromTo r) {
            return r.first() + "-" + r.last();
        }
        if (spec instanceof From r) {
            return r.first() + "-";
        }
        return "-" + ((Suffix) spec).length();
    }
}
