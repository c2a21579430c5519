package io.streamcdn.origin.api;

import io.streamcdn.common.security.UrlSigner;
import io.streamcdn.media.PackageLayout;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a published video can be fetched: {@code /videos/{id}/manifest.mpd} and friends, relative to
 * the origin, or absolute under a public base URL (the CDN's address) when one is configured. With signing
 * keys, each link is signed as it is made ({@code /s/{expires}/{keyId}/{signature}/videos/{id}/...}); the one
 * signature covers every file of the video, so a player resolves the manifest's relative segment URLs under it.
 */
public final class VideoLinks {

    private final String base;
    private final Optional<UrlSigner> signer;

    private VideoLinks(String base, Optional<UrlSigner> signer) {
        this.base = base;
        this.signer = signer;
    }

    /** Links relative to the origin's own root. */
    public static VideoLinks relative() {
        return new VideoLinks("", Optional.empty());
    }

    /** The same links, signed by {@code signer} when there is one. */
    public VideoLinks signedBy(Optional<UrlSigner> signer) {
        return new VideoLinks(base, signer);
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
        return new VideoLinks(text.endsWith("/") ? text.substring(0, text.length() - 1) : text, Optional.empty());
    }

    /** The video's folder, signed now (valid for the signer's ttl) when links are signed. */
    public String folder(String id) {
        return base + signer.map(s -> s.prefix(id)).orElse("/videos/" + id + "/");
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

    /** The three links of a ready video, {@code mpd}, {@code hls} and {@code poster}, under one signature. */
    public java.util.Map<String, String> all(String id) {
        String folder = folder(id);
        return java.util.Map.of("mpd", folder + PackageLayout.MPD, "hls", folder + PackageLayout.HLS_MASTER,
                "poster", folder + PackageLayout.POSTER);
    }

    /** The video's API resource; always relative to the origin (it is the origin's, not the CDN's). */
    public static String api(String id) {
        return "/api/videos/" + id;
    }
}
