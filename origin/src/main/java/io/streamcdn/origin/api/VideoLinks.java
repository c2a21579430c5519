package io.streamcdn.origin.api;

import io.streamcdn.media.PackageLayout;

import java.net.URI;
import java.util.Locale;

/**
 * Where a published video can be fetched: {@code /videos/{id}/manifest.mpd} and friends, relative to
 * the origin, or absolute under a public base URL (the CDN's address) when one is configured.
 */
public final class VideoLinks {

    private final String base;

    private VideoLinks(String base) {
        this.base = base;
    }

    /** Links relative to the origin's own root. */
    public static VideoLinks relative() {
        return new VideoLinks("");
    }

    /**
     * Links under {@code publicUrl} ({@code https://cdn.example.com} or {@code https://example.com/media/});
     * relative links when it is null or blank.
     *
     * @throws IllegalArgumentException when it is not an absolute http(s) URL
     */
    public static VideoLinks under(String publicUrl) {
        if (publicUrl == null || publicUrl.isBlank()) {
            return relative();
        }
        URI uri;
        try {
            uri = URI.create(publicUrl.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public URL '" + publicUrl + "' is not a URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("public URL '" + publicUrl + "' must be absolute, like https://cdn.example.com");
        }
        String text = uri.toString();
        return new VideoLinks(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    public String folder(String id) {
        return base + "/videos/" + id + "/";
    }

    public String mpd(String id) {
        return folder(id) + PackageLayout.MPD;
    }

    public String hls(String id) {
        return folder(id) + PackageLayout.HLS_MASTER;
    }

    public String poster(String id) {
        return folder(id) + PackageLayout.POSTER;
    }

    /** The video's API resource; always relative to the origin (it is the origin's, not the CDN's). */
    public static String api(String id) {
        return "/api/videos/" + id;
    }
}
