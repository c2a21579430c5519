package io.streamcdn.edge.proxy;

import io.streamcdn.common.VideoIdSyntax;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The cache key of a request: its path, checked before it goes anywhere near the disk or the upstream.
 * Only what the origin publishes is accepted ({@code /videos/{id}/} then plain names); percent-encoding,
 * empty, {@code .} and {@code ..} segments are refused, so no spelling of a path can reach another
 * object or escape the videos. The query string is not part of the key and is not forwarded.
 */
public final class CacheKey {

    private static final Pattern SHAPE = Pattern.compile(
            "/videos/" + VideoIdSyntax.REGEX + "/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,7}");
    private static final int MAX_LENGTH = 512;

    private CacheKey() {
    }

    /** The key for a raw request path, or empty when the path is not one of a published video. */
    public static Optional<String> of(String rawPath) {
        if (rawPath == null || rawPath.length() > MAX_LENGTH || !SHAPE.matcher(rawPath).matches()) {
            return Optional.empty();
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        return Optional.of(rawPath);
    }

    /** The key prefix of everything one video has: {@code /videos/{id}/}. */
    public static String videoPrefix(String videoId) {
        return "/videos/" + videoId + "/";
    }

    public static boolean isVideoId(String id) {
        return VideoIdSyntax.isValid(id);
    }
}
