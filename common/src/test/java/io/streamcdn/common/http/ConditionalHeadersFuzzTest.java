package io.streamcdn.common.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.common.http.ServeDecision.Full;
import io.streamcdn.common.http.ServeDecision.NotModified;
import io.streamcdn.common.http.ServeDecision.Partial;
import io.streamcdn.common.http.ServeDecision.PreconditionFailed;
import io.streamcdn.common.http.ServeDecision.RangeNotSatisfiable;
import io.streamcdn.common.http.ServeDecision.Request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the conditional request headers (Jazzer): entity tags and their lists (If-None-Match,
 * If-Match, If-Range), HTTP dates (If-Modified-Since, If-Unmodified-Since, If-Range, Last-Modified) and the
 * decision the origin and the edges take from all of them together with Range.
 */
class ConditionalHeadersFuzzTest {

    /** Any text that parses as an entity tag is printed as a header value that parses back to the same tag. */
    @FuzzTest
    @DictionaryEntries({"W/", "\"", "W/\"", "\"\"", ",", "*"})
    void anEntityTagThatParsesPrintsBackToItself(byte[] input) {
        String text = latin1(input);

        Optional<EntityTag> tag = EntityTag.parse(text);

        tag.ifPresent(t -> {
            assertThat(EntityTag.parse(t.toString())).contains(t);
            assertThat(t.toString()).isEqualTo(text.strip());
        });
    }

    /**
     * An If-None-Match list of tags, written with any spacing, parses to those tags in order; any other text parses
     * to a condition without throwing.
     */
    @FuzzTest
    void anEntityTagListParsesBackToTheSameTags(FuzzedDataProvider data) {
        List<EntityTag> tags = new ArrayList<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            String opaque = data.consumeAsciiString(12).chars()
                    .filter(c -> c >= 0x21 && c != '"' && c != ',' && c != 0x7f)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            tags.add(new EntityTag(opaque, data.consumeBoolean()));
        }
        String separator = data.pickValue(List.of(",", ", ", " ,\t", "\t,"));
        String header = tags.stream().map(EntityTag::toString).collect(Collectors.joining(separator));

        EntityTag.Condition condition = EntityTag.Condition.parse(header);

        assertThat(condition.any()).isFalse();
        assertThat(condition.tags()).isEqualTo(tags);
        assertThat(EntityTag.Condition.parse(latin1(data.consumeRemainingAsBytes()))).isNotNull();
    }

    /**
     * Any text that parses as an HTTP date names a second that, written as an IMF-fixdate, has a four-digit year
     * (RFC 9110 §5.6.7) and parses back to the same second.
     */
    @FuzzTest
    @DictionaryEntries({"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
            " GMT", "Feb", "29", "+", "-", "99999"})
    void anHttpDateThatParsesIsWrittenAndReadBackToTheSameSecond(byte[] input) {
        String text = latin1(input);

        Optional<Long> seconds = HttpDate.parseEpochSeconds(text);

        seconds.ifPresent(s -> {
            String written = HttpDate.format(s * 1000);
            assertThat(written).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
            assertThat(HttpDate.parseEpochSeconds(written)).contains(s);
        });
    }

    /**
     * Whatever conditional and range headers arrive, the decision follows RFC 9110 §13.2.2: 412 only with If-Match or
     * If-Unmodified-Since, 304 only with If-None-Match or If-Modified-Since, 206 and 416 only for a GET with a Range,
     * and a 206's range always inside the file.
     */
    @FuzzTest
    @DictionaryEntries({"bytes=", "-", ",", "W/", "\"", "*", "\"v1\"", "Sun, 06 Nov 1994 08:49:37 GMT"})
    void conditionalAndRangeHeadersDecideByTheRules(FuzzedDataProvider data) {
        long size = data.consumeLong(0, 1L << 40);
        Optional<EntityTag> etag = data.consumeBoolean()
                ? Optional.of(new EntityTag("v1", data.consumeBoolean())) : Optional.empty();
        OptionalLong modified = data.consumeBoolean()
                ? OptionalLong.of(data.consumeLong(0, 253_402_300_799L)) : OptionalLong.empty();
        Validators file = new Validators(size, etag, modified);
        Request request = new Request(data.consumeBoolean(), header(data), header(data), header(data), header(data),
                header(data), header(data));

        ServeDecision decision = ServeDecision.decide(request, file);

        if (decision instanceof PreconditionFailed failed) {
            assertThat(request.ifMatch() != null || request.ifUnmodifiedSince() != null).isTrue();
            assertThat(failed.reason()).isNotBlank();
        } else if (decision instanceof NotModified) {
            assertThat(request.ifNoneMatch() != null || request.ifModifiedSince() != null).isTrue();
        } else if (decision instanceof Partial partial) {
            assertThat(request.isGet() && request.range() != null).isTrue();
            assertThat(partial.range().offset()).isBetween(0L, size - 1);
            assertThat(partial.range().last()).isBetween(partial.range().offset(), size - 1);
        } else if (decision instanceof RangeNotSatisfiable) {
            assertThat(request.isGet() && request.range() != null).isTrue();
        } else {
            assertThat(decision).isInstanceOf(Full.class);
        }
    }

    /** A header value, or absent (null); short, since the decision reads them all from one input. */
    private static String header(FuzzedDataProvider data) {
        return data.consumeBoolean() ? latin1(data.consumeBytes(40)) : null;
    }

    /** Header bytes as the server decodes them. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
