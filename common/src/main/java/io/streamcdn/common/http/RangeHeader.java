package io.streamcdn.common.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Range} request header (RFC 9110 §14.1.2), parsed without knowing the file: the size is
 * applied later by {@link Spec#resolve}. What the file server does with each outcome:
 * <ul>
 *   <li>{@link Single}: 206 with that range, or 416 when it starts beyond the end of the file;</li>
 *   <li>{@link Malformed} (bad syntax, another unit, {@code last < first}): ignored, 200 with the whole
 *       file. RFC 9110 lets a server ignore a Range it cannot use, and a full answer is one every client
 *       handles, while a 400 would break a player over a header it may not even have written itself;</li>
 *   <li>{@link Multiple}: also ignored, 200 with the whole file. Players fetch one range at a time;
 *       {@code multipart/byteranges} would buy nothing but code, and RFC 9110 allows the full answer.</li>
 * </ul>
 */
public final class RangeHeader {

    private static final String UNIT = "bytes=";
    private static final Pattern RANGE_SPEC = Pattern.compile("(\\d*)-(\\d*)");

    private RangeHeader() {
    }

    public sealed interface Parsed permits Absent, Malformed, Multiple, Single {
    }

    /** No Range header: the whole file. */
    public record Absent() implements Parsed {
    }

    public record Malformed(String reason) implements Parsed {
    }

    public record Multiple(List<Spec> specs) implements Parsed {
        public Multiple {
            specs = List.copyOf(specs);
        }
    }

    public record Single(Spec spec) implements Parsed {
    }

    /** One range-spec: {@code first-last}, {@code first-} or {@code -suffixLength}. */
    public sealed interface Spec permits FromTo, From, Suffix {

        /** The bytes this spec selects from a file of {@code size} bytes; empty when none (unsatisfiable). */
        Optional<ByteRange> resolve(long size);
    }

    /** {@code first-last}, inclusive; {@code last} may lie beyond the end of the file. */
    public record FromTo(long first, long last) implements Spec {
        @Override
        public Optional<ByteRange> resolve(long size) {
            if (first >= size) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(first, Math.min(last, size - 1) - first + 1));
        }
    }

    /** {@code first-}: from {@code first} to the end. */
    public record From(long first) implements Spec {
        @Override
        public Optional<ByteRange> resolve(long size) {
            return first >= size ? Optional.empty() : Optional.of(new ByteRange(first, size - first));
        }
    }

    /** {@code -length}: the last {@code length} bytes (the whole file when it is shorter). */
    public record Suffix(long length) implements Spec {
        @Override
        public Optional<ByteRange> resolve(long size) {
            if (length == 0 || size == 0) {
                return Optional.empty();
            }
            long n = Math.min(length, size);
            return Optional.of(new ByteRange(size - n, n));
        }
    }

    public static Parsed parse(String header) {
        if (header == null) {
            return new Absent();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, UNIT, 0, UNIT.length())) {
            return new Malformed("not a byte range: the unit must be 'bytes='");
        }
        List<Spec> specs = new ArrayList<>();
        for (String element : value.substring(UNIT.length()).split(",", -1)) {
            String spec = element.strip();
            if (spec.isEmpty()) {
                continue; // RFC 9110 §5.6.1: recipients accept empty list elements
            }
            Matcher m = RANGE_SPEC.matcher(spec);
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                return new Malformed("'" + spec + "' is not a range; write first-last, first- or -length");
            }
            if (m.group(1).isEmpty()) {
                specs.add(new Suffix(number(m.group(2))));
            } else if (m.group(2).isEmpty()) {
                specs.add(new From(number(m.group(1))));
            } else {
                long first = number(m.group(1));
                long last = number(m.group(2));
                if (last < first) {
                    return new Malformed("'" + spec + "' ends before it starts");
                }
                specs.add(new FromTo(first, last));
            }
        }
        if (specs.isEmpty()) {
            return new Malformed("the range set is empty");
        }
        return specs.size() == 1 ? new Single(specs.get(0)) : new Multiple(specs);
    }

    /**
     * Digits (ASCII, the pattern allows no other) to a long, exactly when one holds them and saturating at
     * Long.MAX_VALUE beyond: no file is that large, so the meaning is kept. (Found by RangeHeaderFuzzTest: cutting
     * at 18 digits read 19-digit numbers that fit a long as Long.MAX_VALUE.)
     */
    private static long number(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException beyondALong) {
            return Long.MAX_VALUE;
        }
    }
}
