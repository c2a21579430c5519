package io.streamcdn.common;

/**
 * What every role accepts as a video id in a path or a query: 6 to 32 characters of {@code [a-z0-9]} (the
 * origin mints 12). One rule, so an id the origin publishes is one the edge caches and the router routes.
 */
public final class VideoIdSyntax {

    /** The id as a regular expression, for patterns that embed it. */
    public static final String REGEX = "[a-z0-9]{6,32}";
    /** What a person is told when an id is refused. */
    public static final String RULE = "ids are 6 to 32 characters of a-z and 0-9";

    private VideoIdSyntax() {
    }

    /** Checked by hand, the same as {@link #REGEX}: the router checks the id of every redirect it answers. */
    public static boolean isValid(String id) {
        if (id == null || id.length() < 6 || id.length() > 32) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
