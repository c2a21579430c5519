package io.streamcdn.common.security;

import io.streamcdn.common.VideoIdSyntax;

/**
 * The signed form of a video file's path, {@code /s/{expires}/{keyId}/{signature}/videos/{id}/{file}}: an expiry
 * (seconds since the epoch), the id of the key that signed, and {@code base64url(HMAC-SHA256(key,
 * "{expires}/{keyId}/videos/{id}/"))} without padding. The signature covers the video's folder, not one file, so a
 * player that fetched {@code .../videos/{id}/manifest.mpd} this way fetches every segment the manifest names
 * relatively under the same prefix, with the same signature. Like nginx's {@code secure_link}, everything a
 * verifier needs is in the path itself; unlike a query string, a path prefix survives relative URL resolution.
 *
 * <p>{@link #parse} only reads the path's shape (it is a pure function, safe for any input); whether the signature
 * is right, and still in time, is {@link UrlSigner#verify}'s question.
 *
 * @param expires   when the URL stops working, in seconds since the epoch
 * @param keyId     which key of the ring signed it
 * @param signature the base64url HMAC as written in the path (43 characters)
 * @param videoId   the video the signature covers
 * @param file      the file under the video's folder, like {@code 720p/seg-00001.m4s}
 */
public record SignedPath(long expires, String keyId, String signature, String videoId, String file) {

    /** Where every signed path starts. */
    public static final String PREFIX = "/s/";
    /** A signed path longer than this is refused unread. */
    public static final int MAX_LENGTH = 1024;
    /** base64url without padding of a 32-byte HMAC-SHA256. */
    static final int SIGNATURE_LENGTH = 43;

    /** As many folders deep as a cache key may go ({@code 720p/seg-00001.m4s} is 2). */
    static final int MAX_FILE_SEGMENTS = 8;
    private static final String VIDEOS = "videos/";
    private static final String SHAPE_HINT = "signed paths look like /s/{expires}/{keyId}/{signature}/videos/{id}/{file}";

    /** What {@link #parse} makes of a path: {@link Signed}, or {@link Malformed} with the reason. */
    public sealed interface Parsed permits Signed, Malformed {
    }

    /** A path of the signed shape; its signature is not checked yet. */
    public record Signed(SignedPath path) implements Parsed {
    }

    /** A path that is not a well-formed signed path; {@code reason} says what is wrong, for the 403's body. */
    public record Malformed(String reason) implements Parsed {
    }

    /**
     * Reads a raw request path (still percent-encoded, as sent). Never throws: anything that is not exactly the
     * shape above, with a plain file path under the video ({@code .} and {@code ..} segments, percent-encoding
     * and empty segments are refused), is {@link Malformed}.
     */
    public static Parsed parse(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(PREFIX)) {
            return new Malformed("not a signed path; " + SHAPE_HINT);
        }
        if (rawPath.length() > MAX_LENGTH) {
            return new Malformed("the path is longer than " + MAX_LENGTH + " characters; " + SHAPE_HINT);
        }
        // Read by hand, field by field: this runs on every request an edge serves, and a regular expression over
        // the whole path costs several microseconds where this costs a fraction of one.
        int from = PREFIX.length();
        int to = rawPath.indexOf('/', from);
        if (to < 0 || !all(rawPath, from, to, 1, 12, SignedPath::isDigit)) {
            return shape("expires must be 1 to 12 digits");
        }
        long expires = Long.parseLong(rawPath, from, to, 10);
        from = to + 1;
        to = rawPath.indexOf('/', from);
        if (to < 0 || !all(rawPath, from, to, 1, 32, SignedPath::isBase64Url)) {
            return shape("keyId must be 1 to 32 letters, digits, '-' or '_'");
        }
        String keyId = rawPath.substring(from, to);
        from = to + 1;
        to = rawPath.indexOf('/', from);
        if (to < 0 || !all(rawPath, from, to, SIGNATURE_LENGTH, SIGNATURE_LENGTH, SignedPath::isBase64Url)) {
            return shape("the signature must be " + SIGNATURE_LENGTH + " base64url characters, without padding");
        }
        String signature = rawPath.substring(from, to);
        from = to + 1;
        if (!rawPath.startsWith(VIDEOS, from)) {
            return shape("the signature must be followed by /videos/");
        }
        from += VIDEOS.length();
        to = rawPath.indexOf('/', from);
        String videoId = to < 0 ? "" : rawPath.substring(from, to);
        if (!VideoIdSyntax.isValid(videoId)) {
            return shape("a video id is expected after /videos/; " + VideoIdSyntax.RULE);
        }
        String file = rawPath.substring(to + 1);
        String fileProblem = fileProblem(file);
        if (fileProblem != null) {
            return new Malformed(fileProblem);
        }
        return new Signed(new SignedPath(expires, keyId, signature, videoId, file));
    }

    private static Malformed shape(String what) {
        return new Malformed("the path is not a signed video path: " + what + "; " + SHAPE_HINT);
    }

    /** Null for a plain relative file path (1 to 8 segments of {@code [A-Za-z0-9._-]}, no . or ..), else why not. */
    private static String fileProblem(String file) {
        int segments = 0;
        int from = 0;
        while (true) {
            int to = file.indexOf('/', from);
            int end = to < 0 ? file.length() : to;
            if (!all(file, from, end, 1, MAX_LENGTH, SignedPath::isFileCharacter)) {
                return "the file part of a signed path must be names of letters, digits, '.', '_' and '-' separated "
                        + "by single slashes, like 720p/seg-00001.m4s";
            }
            if (end - from <= 2 && file.startsWith(end - from == 1 ? "." : "..", from)) {
                return "the file part of a signed path may not hold '.' or '..' segments";
            }
            if (++segments > MAX_FILE_SEGMENTS) {
                return "the file part of a signed path has more than " + MAX_FILE_SEGMENTS + " segments";
            }
            if (to < 0) {
                return null;
            }
            from = to + 1;
        }
    }

    /** Whether {@code text[from, to)} is {@code min} to {@code max} characters, each accepted by {@code test}. */
    private static boolean all(String text, int from, int to, int min, int max, CharTest test) {
        int length = to - from;
        if (length < min || length > max) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!test.accepts(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private interface CharTest {
        boolean accepts(char c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isBase64Url(char c) {
        return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_';
    }

    private static boolean isFileCharacter(char c) {
        return isBase64Url(c) || c == '.';
    }

    /** The same file's unsigned path, {@code /videos/{id}/{file}}: what it is cached and served as. */
    public String videoPath() {
        return "/videos/" + videoId + "/" + file;
    }

    /** The text the signature is the HMAC of: {@code {expires}/{keyId}/videos/{id}/}. */
    public static String payload(long expires, String keyId, String videoId) {
        return expires + "/" + keyId + "/videos/" + videoId + "/";
    }

    /** The signed prefix of a video's folder: {@code /s/{expires}/{keyId}/{signature}/videos/{id}/}. */
    public static String prefix(long expires, String keyId, String signature, String videoId) {
        return PREFIX + expires + "/" + keyId + "/" + signature + "/videos/" + videoId + "/";
    }

    /** This path's prefix, as {@link #prefix(long, String, String, String)}. */
    public String prefix() {
        return prefix(expires, keyId, signature, videoId);
    }

    @Override
    public String toString() {
        return prefix() + file;
    }
}
