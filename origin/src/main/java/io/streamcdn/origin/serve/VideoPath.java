package io.streamcdn.origin.serve;

import io.streamcdn.media.PackageLayout;

import java.util.ArrayList;
import java.util.List;
import io.streamcdn.common.VideoIdSyntax;

import java.util.regex.Pattern;

/**
 * A file inside a published video, as named by a request: {@code /videos/{id}/manifest.mpd},
 * {@code /videos/{id}/720p/seg-00001.m4s}. Parsing is strict, because this is what stands between a URL
 * and the disk:
 * <ul>
 *   <li>the id is {@code [a-z0-9]{6,32}} (the API mints 12 such characters);</li>
 *   <li>one or two segments below it ({@code file} or {@code rung/file}), each {@code [A-Za-z0-9._-]+},
 *       never empty, never starting with a dot, never containing {@code ..};</li>
 *   <li>percent-decoding happens exactly once, per segment, after splitting on {@code /}: an encoded
 *       {@code %2f}, {@code %5c} or {@code %00} decodes to a character no segment may hold, and a
 *       double-encoded {@code %252e} decodes to {@code %2e}, whose {@code %} no segment may hold either.</li>
 * </ul>
 * The result names a path that stays inside the video's folder by construction; the file lookup still
 * checks the real path on disk (symlinks) as a second line of defence.
 */
public record VideoPath(String videoId, List<String> segments) {

    public static final String PREFIX = "/videos/";
    public static final int MAX_DEPTH = 2;
    static final int MAX_SEGMENT_CHARS = 128;

    private static final Pattern ID = Pattern.compile(VideoIdSyntax.REGEX);
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_ECHO_CHARS = 64;

    public VideoPath {
        segments = List.copyOf(segments);
        String problem = idProblem(videoId);
        if (problem == null) {
            problem = depthProblem(segments.size());
        }
        for (int i = 0; problem == null && i < segments.size(); i++) {
            problem = segmentProblem(segments.get(i), segments.get(i));
        }
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The outcome of parsing a request path. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(VideoPath path) implements Parsed {
    }

    /** Not a well-formed video path; {@code reason} says why, for the 400 body. */
    public record Invalid(String reason) implements Parsed {
    }

    /**
     * Parses the raw (still percent-encoded) request path, which must start with {@code /videos/}.
     * Callers pass {@code HttpServerRequest.path()}, not a router-normalised path: normalising first would
     * decode and remove dot segments before we could refuse them.
     */
    public static Parsed fromRequestPath(String rawPath) {
        if (rawPath == null || !rawPath.startsWith(PREFIX)) {
            return new Invalid("video files are under " + PREFIX + "{id}/");
        }
        String rest = rawPath.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? parse(rest, "") : parse(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /**
     * @param rawId   the id segment as sent (percent-encoded)
     * @param rawRest what follows {@code {id}/} as sent, e.g. {@code 720p/seg-00001.m4s}
     */
    public static Parsed parse(String rawId, String rawRest) {
        String id = decodeOnce(rawId);
        if (id == null) {
            return new Invalid("the video id '" + echo(rawId) + "' has malformed percent-encoding");
        }
        String problem = idProblem(id);
        if (problem != null) {
            return new Invalid(problem);
        }
        if (rawRest.isEmpty()) {
            return new Invalid("name a file inside the video, e.g. " + PREFIX + id + "/" + PackageLayout.MPD);
        }
        String[] raw = rawRest.split("/", -1);
        problem = depthProblem(raw.length);
        if (problem != null) {
            return new Invalid(problem);
        }
        List<String> segments = new ArrayList<>(raw.length);
        for (String rawSegment : raw) {
            String segment = decodeOnce(rawSegment);
            if (segment == null) {
                return new Invalid("the path segment '" + echo(rawSegment) + "' has malformed percent-encoding");
            }
            problem = segmentProblem(rawSegment, segment);
            if (problem != null) {
                return new Invalid(problem);
            }
            segments.add(segment);
        }
        return new Valid(new VideoPath(id, segments));
    }

    /** The path below the video's folder, e.g. {@code 720p/seg-00001.m4s}. */
    public String relative() {
        return String.join("/", segments);
    }

    public String fileName() {
        return segments.get(segments.size() - 1);
    }

    /** True for files of the audio track ({@code audio/init.mp4}, {@code audio/seg-00001.m4s}). */
    public boolean isAudio() {
        return segments.size() > 1 && segments.get(0).equals(PackageLayout.AUDIO_ID);
    }

    private static String idProblem(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return "'" + echo(id) + "' is not a video id: ids are 6 to 32 lowercase letters and digits";
        }
        return null;
    }

    private static String depthProblem(int depth) {
        if (depth < 1) {
            return "name a file inside the video";
        }
        if (depth > MAX_DEPTH) {
            return "video files are at most " + MAX_DEPTH + " levels deep ({file} or {rendition}/{file})";
        }
        return null;
    }

    private static String segmentProblem(String raw, String segment) {
        if (segment.isEmpty()) {
            return "the path has an empty segment (a doubled or trailing '/')";
        }
        if (segment.startsWith(".") || segment.contains("..")) {
            return "the path segment '" + echo(raw) + "' is not allowed: no '..', no names starting with '.'";
        }
        if (segment.length() > MAX_SEGMENT_CHARS) {
            return "the path segment '" + echo(raw) + "...' is longer than " + MAX_SEGMENT_CHARS + " characters";
        }
        if (!SEGMENT.matcher(segment).matches()) {
            return "the path segment '" + echo(raw) + "' has characters other than A-Z a-z 0-9 . _ -";
        }
        return null;
    }

    /**
     * Decodes {@code %XX} escapes once. Returns null for a malformed escape; bytes above 0x7f stay as
     * (invalid) chars, which the segment pattern then refuses: nothing we serve has a non-ASCII name.
     */
    static String decodeOnce(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= raw.length()) {
                return null;
            }
            int high = Character.digit(raw.charAt(i + 1), 16);
            int low = Character.digit(raw.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                return null;
            }
            out.append((char) (high * 16 + low));
            i += 2;
        }
        return out.toString();
    }

    private static String echo(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && i < MAX_ECHO_CHARS; i++) {
            char c = text.charAt(i);
            out.append(c < 0x20 || c > 0x7e ? '?' : c);
        }
        return out.toString();
    }
}
