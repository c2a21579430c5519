package io.streamcdn.common.security;

import io.streamcdn.common.VideoIdSyntax;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern SHAPE = Pattern.compile("/s/(\\d{1,12})/([A-Za-z0-9_-]{1,32})/([A-Za-z0-9_-]{"
            + SIGNATURE_LENGTH + "})/videos/(" + VideoIdSyntax.REGEX + ")/([A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){0,7})");
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
        Matcher m = SHAPE.matcher(rawPath);
        if (!m.matches()) {
            return new Malformed("the path is not a signed video path; " + SHAPE_HINT
                    + " (expires: digits, keyId: letters, digits, '-' or '_', signature: 43 base64url characters, "
                    + "id: " + VideoIdSyntax.RULE + ")");
        }
        String file = m.group(5);
        for (String segment : file.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return new Malformed("the file part of a signed path may not hold '.' or '..' segments");
            }
        }
        return new Signed(new SignedPath(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4), file));
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
