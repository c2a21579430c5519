package io.streamcdn.common.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP dates (RFC 9110 §5.6.7): written as IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}); read in
 * that form and the two obsolete ones recipients must still accept, RFC 850
 * ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime ({@code Sun Nov  6 08:49:37 1994}).
 * A date that cannot be read is absent: a conditional header with a bad date is ignored, as RFC 9110 asks.
 */
public final class HttpDate {

    // The year is exactly four digits (RFC 9110: year = 4DIGIT). The pattern letters "yyyy" would also read
    // "+99999994", a date no HTTP peer writes and one whose milliseconds overflow (found by ConditionalHeadersFuzzTest).
    private static final DateTimeFormatter IMF_FIXDATE = new DateTimeFormatterBuilder()
            .appendPattern("EEE, dd MMM ")
            .appendValue(ChronoField.YEAR, 4)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .appendPattern("EEE MMM ")
            .padNext(2).appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
            .appendPattern(" HH:mm:ss ")
            .appendValue(ChronoField.YEAR, 4)
            .toFormatter(Locale.US);
    private static final Pattern RFC_850 = Pattern.compile(
            "[A-Za-z]+, (\\d{2})-([A-Za-z]{3})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.US);

    private HttpDate() {
    }

    /** The first and last instants a four-digit year can write: 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
    private static final long MIN_MILLIS = -62_135_596_800_000L;
    private static final long MAX_MILLIS = 253_402_300_799_999L;

    /**
     * {@code Sun, 06 Nov 1994 08:49:37 GMT}; milliseconds are dropped. A time outside years 1..9999 (a file's
     * mtime can be anything) is written as the nearest one an HTTP date can hold.
     */
    public static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(Math.max(MIN_MILLIS, Math.min(MAX_MILLIS, epochMillis))));
    }

    public static String now() {
        return format(System.currentTimeMillis());
    }

    /** Seconds since the epoch, or empty when {@code text} is not an HTTP date. */
    public static Optional<Long> parseEpochSeconds(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String value = text.trim();
        try {
            return Optional.of(ZonedDateTime.parse(value, IMF_FIXDATE).toEpochSecond());
        } catch (DateTimeParseException ignored) {
            // try the obsolete forms
        }
        try {
            return Optional.of(LocalDateTime.parse(value, ASCTIME).toEpochSecond(ZoneOffset.UTC));
        } catch (DateTimeParseException ignored) {
            // try RFC 850
        }
        Matcher m = RFC_850.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int month = MONTH.parse(capitalized(m.group(2))).get(ChronoField.MONTH_OF_YEAR);
            int year = twoDigitYear(Integer.parseInt(m.group(3)));
            return Optional.of(LocalDateTime.of(year, month, Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)))
                    .toEpochSecond(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** RFC 9110: a two-digit year more than 50 years in the future means the most recent past such year. */
    private static int twoDigitYear(int yy) {
        int thisYear = Year.now(ZoneOffset.UTC).getValue();
        int year = thisYear / 100 * 100 + yy;
        return year > thisYear + 50 ? year - 100 : year;
    }

    private static String capitalized(String month) {
        return month.substring(0, 1).toUpperCase(Locale.ROOT) + month.substring(1).toLowerCase(Locale.ROOT);
    }
}
