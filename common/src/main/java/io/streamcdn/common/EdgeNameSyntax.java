package io.streamcdn.common;

import java.util.regex.Pattern;

/**
 * What every role accepts as an edge's name: a letter or digit, then up to 62 letters, digits, {@code .},
 * {@code _} or {@code -} ({@code edge-eu-1}). Safe in a URL path and as a metric label as is. One rule, so the
 * name an edge is started with is the one the router files it under and the one players report in QoE beacons.
 */
public final class EdgeNameSyntax {

    /** The name as a regular expression. */
    public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";
    /** What a person is told when a name is refused. */
    public static final String RULE = "an edge name is 1 to 63 letters, digits, '.', '_' and '-', starting with a letter or digit";

    private static final Pattern NAME = Pattern.compile(REGEX);

    private EdgeNameSyntax() {
    }

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
