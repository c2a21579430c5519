package io.streamcdn.common.security;

import io.streamcdn.common.VideoIdSyntax;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes and checks signed video paths ({@link SignedPath}) with a {@link SigningKeys} ring: the router and the
 * origin sign the URLs they hand to players, edges (and the origin) verify every viewer request before it goes
 * anywhere near a cache or an upstream, and edges also sign the requests they send upstream.
 *
 * <p>Verification is a pure function of the parsed path, the ring and the time ({@link #verify(SignedPath, long)}):
 * no I/O, no state, so it can be fuzzed and tested without servers. Signatures are compared as their base64url
 * text with {@link MessageDigest#isEqual}, in time that does not depend on how many characters match (the JDK
 * compares equal-length arrays in constant time since 6u17), and only the canonical spelling of a signature is
 * accepted. A URL stays valid for {@link #ALLOWED_SKEW} after its expiry, so a verifier whose clock runs a little
 * ahead of the signer's does not refuse URLs that have just been handed out with a short lifetime.
 */
public final class UrlSigner {

    public static final Duration DEFAULT_TTL = Duration.ofHours(6);
    public static final String DEFAULT_TTL_TEXT = "6h";
    public static final Duration MIN_TTL = Duration.ofMinutes(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);
    /** How far the verifier's clock may run ahead of the signer's: machines kept by NTP differ by far less. */
    public static final Duration ALLOWED_SKEW = Duration.ofSeconds(30);

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** What a request for a video file is, as far as signing goes; each refusal is one metric label. */
    public enum Verdict {
        VALID("the signature is valid"),
        MISSING("this server serves video files only under signed URLs (/s/{expires}/{keyId}/{signature}/videos/"
                + "{id}/{file}); ask the router or the origin's API for one"),
        MALFORMED("the signed URL is malformed"),
        EXPIRED("the signed URL has expired; ask the router or the origin's API for a new one"),
        BAD_SIGNATURE("the signature does not match the path; ask the router or the origin's API for a new URL"),
        UNKNOWN_KEY("the URL was signed with a key this server does not have (retired, or not yet installed here); "
                + "ask the router or the origin's API for a new URL");

        private final String reason;

        Verdict(String reason) {
            this.reason = reason;
        }

        /** The metric label and the suffix of the error code: {@code bad_signature}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What the viewer is told, in the 403's {@code reason}. */
        public String reason() {
            return reason;
        }
    }

    private final SigningKeys keys;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param keys  the ring: the first key signs, every key verifies
     * @param ttl   how long the URLs {@link #prefix} and {@link #sign} make stay valid
     * @param clock the time signatures are made and judged at (tests move it)
     */
    public UrlSigner(SigningKeys keys, Duration ttl, Clock clock) {
        if (keys == null || clock == null) {
            throw new IllegalArgumentException("keys and clock are required");
        }
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a signed URL's lifetime must be within 1m..7d, not " + ttl);
        }
        this.keys = keys;
        this.ttl = ttl;
        this.clock = clock;
    }

    public SigningKeys keys() {
        return keys;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The signed prefix of video {@code videoId}'s folder, valid for the ttl from now: {@code /s/.../videos/{id}/}. */
    public String prefix(String videoId) {
        if (!VideoIdSyntax.isValid(videoId)) {
            throw new IllegalArgumentException("not a video id: " + videoId);
        }
        long expires = Math.floorDiv(clock.millis() + ttl.toMillis() + 999, 1000); // never shorter than the ttl
        SigningKeys.Key key = keys.signing();
        return SignedPath.prefix(expires, key.id(), signature(key, expires, videoId), videoId);
    }

    /**
     * The signed form of an unsigned video path: {@code /videos/{id}/720p/seg-00001.m4s} becomes
     * {@code /s/{expires}/{keyId}/{signature}/videos/{id}/720p/seg-00001.m4s}.
     *
     * @throws IllegalArgumentException when {@code videoPath} is not {@code /videos/{id}/...}
     */
    public String sign(String videoPath) {
        String videos = "/videos/";
        int slash = videoPath == null || !videoPath.startsWith(videos) ? -1 : videoPath.indexOf('/', videos.length());
        if (slash < 0) {
            throw new IllegalArgumentException("not a video path: " + videoPath);
        }
        return prefix(videoPath.substring(videos.length(), slash)) + videoPath.substring(slash + 1);
    }

    /** {@link #verify(SignedPath, long)} at this signer's clock's time. */
    public Verdict verify(SignedPath path) {
        return verify(path, Math.floorDiv(clock.millis(), 1000));
    }

    /**
     * Whether {@code path} was signed by a key of the ring for its video and is still in time at
     * {@code nowEpochSeconds}: {@link Verdict#VALID}, {@link Verdict#UNKNOWN_KEY}, {@link Verdict#BAD_SIGNATURE} or
     * {@link Verdict#EXPIRED}. The signature is checked before the expiry, so an expired answer is only given for a
     * URL this ring really signed (a forged one learns nothing about the time).
     */
    public Verdict verify(SignedPath path, long nowEpochSeconds) {
        Optional<SigningKeys.Key> key = keys.find(path.keyId());
        if (key.isEmpty()) {
            return Verdict.UNKNOWN_KEY;
        }
        byte[] expected = signature(key.get(), path.expires(), path.videoId()).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = path.signature().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, presented)) {
            return Verdict.BAD_SIGNATURE;
        }
        return nowEpochSeconds > path.expires() + ALLOWED_SKEW.toSeconds() ? Verdict.EXPIRED : Verdict.VALID;
    }

    private static String signature(SigningKeys.Key key, long expires, String videoId) {
        byte[] payload = SignedPath.payload(expires, key.id(), videoId).getBytes(StandardCharsets.US_ASCII);
        return BASE64URL.encodeToString(key.hmac(payload));
    }

    @Override
    public String toString() {
        return "URL signer (keys " + keys.ids() + ", ttl " + ttl + ")";
    }
}
