package io.streamcdn.common.security;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.common.VideoIdSyntax;
import io.streamcdn.common.security.UrlSigner.Verdict;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for the signed-URL verifier (Jazzer): {@link SignedPath#parse} on any request path, then
 * {@link UrlSigner#verify} against a ring of two keys. The oracle for a signature is an HMAC-SHA256 computed here
 * with the JDK's {@link Mac}, independently of the signer's code.
 */
class SignedUrlFuzzTest {

    private static final byte[] OLD = secret(1);
    private static final byte[] NEW = secret(2);
    private static final long NOW = 1_764_000_000L;
    private static final UrlSigner SIGNER = new UrlSigner(SigningKeys.of("k2", NEW, "k1", OLD), Duration.ofHours(6),
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    /**
     * Any path parses to a signed path or to a reason, never an exception; a signed path prints back as the same
     * text, its unsigned path is a plain file under its video; and it verifies as valid exactly when a key of the
     * ring made its signature and it has not expired.
     */
    @FuzzTest
    @DictionaryEntries({"/s/", "/videos/", "abc123def456", "k1", "k2", "/", "..", ".", "%2e", "1764000000",
            "720p/seg-00001.m4s"})
    void anyPathParsesToAReasonOrToAPathValidOnlyWhenTheRingSignedIt(byte[] input) {
        String raw = new String(input, StandardCharsets.ISO_8859_1); // the request line's bytes as the server reads them

        SignedPath.Parsed parsed = SignedPath.parse(raw);

        if (parsed instanceof SignedPath.Malformed malformed) {
            assertThat(malformed.reason()).isNotBlank();
            return;
        }
        SignedPath path = ((SignedPath.Signed) parsed).path();
        assertThat(path.toString()).isEqualTo(raw);
        assertThat(VideoIdSyntax.isValid(path.videoId())).isTrue();
        assertThat(path.videoPath()).startsWith("/videos/" + path.videoId() + "/").doesNotContain("%", "//", "\\");
        assertThat(Arrays.asList(path.file().split("/", -1))).doesNotContain("", ".", "..");

        Verdict verdict = SIGNER.verify(path, NOW);

        byte[] secret = path.keyId().equals("k1") ? OLD : path.keyId().equals("k2") ? NEW : null;
        if (secret == null) {
            assertThat(verdict).isEqualTo(Verdict.UNKNOWN_KEY);
        } else if (!path.signature().equals(hmac(secret, path.expires(), path.keyId(), path.videoId()))) {
            assertThat(verdict).isEqualTo(Verdict.BAD_SIGNATURE);
        } else {
            assertThat(verdict).isEqualTo(NOW > path.expires() + UrlSigner.ALLOWED_SKEW.toSeconds()
                    ? Verdict.EXPIRED : Verdict.VALID);
        }
    }

    /**
     * A path the signer signs parses back to its parts and is valid until its expiry (plus the allowed skew), then
     * expired; changing any one character of its signed part makes it invalid.
     */
    @FuzzTest
    void aSignedPathIsValidUntilItExpiresAndAnyChangeBreaksIt(FuzzedDataProvider data) {
        String videoId = ascii(data, "abcdefghijklmnopqrstuvwxyz0123456789", 6, 32);
        String file = data.pickValue(List.of("manifest.mpd", "master.m3u8", "720p/init.mp4", "720p/seg-00001.m4s",
                "audio/seg-00042.m4s", "poster.jpg"));
        long later = data.consumeLong(0, Duration.ofDays(30).toSeconds());

        String signed = SIGNER.sign("/videos/" + videoId + "/" + file);
        SignedPath path = ((SignedPath.Signed) SignedPath.parse(signed)).path();

        assertThat(path.videoId()).isEqualTo(videoId);
        assertThat(path.file()).isEqualTo(file);
        assertThat(path.keyId()).isEqualTo("k2");
        assertThat(path.signature()).isEqualTo(hmac(NEW, path.expires(), "k2", videoId));
        long deadline = path.expires() + UrlSigner.ALLOWED_SKEW.toSeconds();
        assertThat(SIGNER.verify(path, NOW + later)).isEqualTo(NOW + later > deadline ? Verdict.EXPIRED : Verdict.VALID);

        // One character of the signed prefix changed: another expiry, key, signature or video.
        String prefix = path.prefix();
        int at = data.consumeInt(3, prefix.length() - 2);
        char replacement = data.consumeChar();
        if (prefix.charAt(at) == '/' || replacement == prefix.charAt(at)) {
            return;
        }
        String tampered = prefix.substring(0, at) + replacement + prefix.substring(at + 1) + file;
        if (SignedPath.parse(tampered) instanceof SignedPath.Signed other) {
            assertThat(SIGNER.verify(other.path(), NOW)).isIn(Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_KEY);
        }
    }

    private static String ascii(FuzzedDataProvider data, String alphabet, int min, int max) {
        int length = data.consumeInt(min, max);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
        }
        return text.toString();
    }

    private static String hmac(byte[] secret, long expires, String keyId, String videoId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] payload = (expires + "/" + keyId + "/videos/" + videoId + "/").getBytes(StandardCharsets.US_ASCII);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] secret(int seed) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) seed);
        return secret;
    }
}
