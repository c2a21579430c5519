package io.streamcdn.media;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A picture size, {@code WIDTHxHEIGHT}. As a limit ({@link MediaLimits}) it is read without regard to
 * orientation: a picture fits when its long side is no longer than the limit's long side and it has no more
 * pixels than the limit, so {@code 4096x2304} admits a portrait 2160x3840 phone video as well as a landscape
 * 4K one, and refuses 8K (7680x4320) and a 10000x100 strip alike.
 */
public record Resolution(int width, int height) {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})\\s*[xX×]\\s*(\\d{1,6})");

    public Resolution {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a picture size needs both sides of at least 1 pixel, not "
                    + width + "x" + height);
        }
    }

    /** {@code 4096x2304} (also {@code 4096X2304}). */
    public static Resolution parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a picture size; write it like 4096x2304");
        }
        return new Resolution(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public long pixels() {
        return (long) width * height;
    }

    public int longSide() {
        return Math.max(width, height);
    }

    /** Whether a picture of this size fits within {@code limit} (long side and pixel count). */
    public boolean fitsWithin(Resolution limit) {
        return longSide() <= limit.longSide() && pixels() <= limit.pixels();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dx%d", width, height);
    }
}
