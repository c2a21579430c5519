package io.streamcdn.origin.qoe;

import java.util.regex.Pattern;

/**
 * Rung labels as players report them: the origin names rungs by height ({@code 720p}, see {@code media.Rung}),
 * so a label is 3 or 4 digits and a {@code p}. Anything else becomes {@code other} on a metric, which keeps the
 * label's values few whatever a client sends.
 */
final class Rungs {

    static final String OTHER = "other";
    private static final Pattern LABEL = Pattern.compile("\\d{3,4}p");

    private Rungs() {
    }

    static boolean isLabel(String rung) {
        return rung != null && LABEL.matcher(rung).matches();
    }

    /** The label itself, or {@code other}. */
    static String label(String rung) {
        return isLabel(rung) ? rung : OTHER;
    }

    /** The height a label names; only for labels ({@link #isLabel}). */
    static int height(String label) {
        return Integer.parseInt(label, 0, label.length() - 1, 10);
    }
}
