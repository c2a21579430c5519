package io.streamcdn.common;

import java.util.regex.Pattern;

/**
 * What every role accepts as a video id in a path or a query: 6 to 32 characters of {@code [a-z0-9]} (the
 * origin mints 12). One rule, so an id the origin publishes is one the edge caches and the router routes.
 */
public final class VideoIdSyntax {

    /** The id as a regular expression, for patterns that embed it. */
    public static final String REGEX = "[a-z0-9]{6,32}";
    /** What a person is told when an id is refused. */
    public static final String RULE = "ids are 6 to 32 characters of a-z and 0-9";

    private static final Pattern ID = Pattern.compile(REGEX);

    private VideoIdSyntax() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }
}
