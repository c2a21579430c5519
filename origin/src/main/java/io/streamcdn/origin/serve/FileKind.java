package io.streamcdn.origin.serve;

import io.streamcdn.media.PackageLayout;

import java.util.Locale;

/**
 * The kinds of file in a published video, each with its media type and how long caches may keep it.
 *
 * <p>Lifetimes follow from what can change under a name:
 * <ul>
 *   <li>segments and init segments never change once published under an id (the encoder publishes a whole
 *       folder by one rename, and a name is never reused for other bytes), so edges and browsers may keep
 *       them for a year without asking again: {@code immutable};</li>
 *   <li>manifests and playlists are how a player learns what exists: a re-encode or a delete must reach
 *       viewers within a minute, so they live 60 s, after which caches revalidate (a cheap 304);</li>
 *   <li>the poster may be regenerated and nobody is hurt by an old one for a while: one day.</li>
 * </ul>
 */
public enum FileKind {
    MANIFEST("public, max-age=60"),
    INIT("public, max-age=31536000, immutable"),
    SEGMENT("public, max-age=31536000, immutable"),
    POSTER("public, max-age=86400"),
    OTHER("public, max-age=60");

    private final String cacheControl;

    FileKind(String cacheControl) {
        this.cacheControl = cacheControl;
    }

    public String cacheControl() {
        return cacheControl;
    }

    /** The metric tag value. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FileKind of(VideoPath path) {
        String name = path.fileName();
        String extension = extension(name);
        if (extension.equals("mpd") || extension.equals("m3u8")) {
            return MANIFEST;
        }
        if (name.equals(PackageLayout.INIT) || (extension.equals("mp4") && path.segments().size() > 1)) {
            return INIT;
        }
        if (extension.equals("m4s")) {
            return SEGMENT;
        }
        if (name.equals(PackageLayout.POSTER) || extension.equals("jpg") || extension.equals("jpeg")) {
            return POSTER;
        }
        return OTHER;
    }

    /**
     * The Content-Type of a file: DASH and HLS manifests, CMAF media (audio or video by the folder it is
     * in), JPEG, JSON; anything else is {@code application/octet-stream}.
     */
    public static String contentType(VideoPath path) {
        return switch (extension(path.fileName())) {
            case "mpd" -> "application/dash+xml";
            case "m3u8" -> "application/vnd.apple.mpegurl";
            case "m4s", "mp4" -> path.isAudio() ? "audio/mp4" : "video/mp4";
            case "jpg", "jpeg" -> "image/jpeg";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
