package io.streamcdn.common.security;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static io.streamcdn.common.security.UrlSigner.Verdict.BAD_SIGNATURE;
import static io.streamcdn.common.security.UrlSigner.Verdict.EXPIRED;
import static io.streamcdn.common.security.UrlSigner.Verdict.UNKNOWN_KEY;
import static io.streamcdn.common.security.UrlSigner.Verdict.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signing and verifying as pure functions of the path, the key ring and the time. */
class UrlSignerTest {

    private static final byte[] OLD = SigningKeysTest.bytes(32, 1);
    private static final byte[] NEW = SigningKeysTest.bytes(32, 2);
    private static final Instant NOW = Instant.parse("2025-12-05T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String VIDEO = "abc123def456";

    private final UrlSigner signer = new UrlSigner(SigningKeys.of("k1", OLD), Duration.ofHours(6), CLOCK);

    @Test
    void theSignatureIsBase64UrlHmacSha256OfExpiryKeyAndFolder() throws Exception {
        String prefix = signer.prefix(VIDEO);

        long expires = NOW.getEpochSecond() + 6 * 3600;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(OLD, "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((expires + "/k1/videos/" + VIDEO + "/").getBytes(StandardCharsets.US_ASCII)));
        assertThat(prefix).isEqualTo("/s/" + expires + "/k1/" + expected + "/videos/" + VIDEO + "/");
    }

    @Test
    void oneSignatureCoversEveryFileOfTheVideo() {
        String prefix = signer.prefix(VIDEO);

        for (String file : new String[] {"manifest.mpd", "720p/init.mp4", "720p/seg-00042.m4s", "master.m3u8"}) {
            assertThat(signer.verify(parse(prefix + file))).as(file).isEqualTo(VALID);
        }
        assertThat(signer.sign("/videos/" + VIDEO + "/720p/seg-00001.m4s")).isEqualTo(prefix + "720p/seg-00001.m4s");
    }

    @Test
    void anotherVideosSignatureATamperedOneOrAMovedExpiryIsABadSignature() {
        String prefix = signer.prefix(VIDEO);
        SignedPath good = parse(prefix + "manifest.mpd");
        String signature = good.signature();
        char last = signature.charAt(signature.length() - 1);
        String tampered = signature.substring(0, signature.length() - 1) + (last == 'A' ? 'Q' : 'A');

        assertThat(signer.verify(new SignedPath(good.expires(), "k1", signature, "zzz999zzz999", "manifest.mpd")))
                .isEqualTo(BAD_SIGNATURE);
        assertThat(signer.verify(new SignedPath(good.expires(), "k1", tampered, VIDEO, "manifest.mpd")))
                .isEqualTo(BAD_SIGNATURE);
        assertThat(signer.verify(new SignedPath(good.expires() + 3600, "k1", signature, VIDEO, "manifest.mpd")))
                .isEqualTo(BAD_SIGNATURE);
    }

    @Test
    void onlyTheCanonicalSpellingOfASignatureIsAccepted() {
        SignedPath good = parse(signer.prefix(VIDEO) + "manifest.mpd");
        String signature = good.signature();
        // 43 characters carry 258 bits for 256: the last character's two low bits are padding and must be zero.
        char last = signature.charAt(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBytes = alphabet.charAt(alphabet.indexOf(last) | 1);
        String variant = signature.substring(0, 42) + sameBytes;
        assertThat(Base64.getUrlDecoder().decode(variant)).isEqualTo(Base64.getUrlDecoder().decode(signature));

        assertThat(signer.verify(new SignedPath(good.expires(), "k1", variant, VIDEO, "a.mpd"))).isEqualTo(BAD_SIGNATURE);
    }

    @Test
    void expiresAfterItsLifetimeAndASmallClockSkew() {
        SignedPath path = parse(signer.prefix(VIDEO) + "manifest.mpd");
        long expires = path.expires();

        assertThat(signer.verify(path, expires)).isEqualTo(VALID);
        assertThat(signer.verify(path, expires + UrlSigner.ALLOWED_SKEW.toSeconds())).isEqualTo(VALID);
        assertThat(signer.verify(path, expires + UrlSigner.ALLOWED_SKEW.toSeconds() + 1)).isEqualTo(EXPIRED);
        UrlSigner sixHoursLater = new UrlSigner(SigningKeys.of("k1", OLD), Duration.ofHours(6),
                Clock.fixed(NOW.plus(Duration.ofHours(6)).plusSeconds(31), ZoneOffset.UTC));
        assertThat(sixHoursLater.verify(path)).isEqualTo(EXPIRED);
    }

    @Test
    void aForgedExpiredUrlIsABadSignatureNotExpired() {
        SignedPath forged = new SignedPath(1, "k1", "A".repeat(43), VIDEO, "manifest.mpd");

        assertThat(signer.verify(forged)).isEqualTo(BAD_SIGNATURE);
    }

    @Test
    void aKeyOutsideTheRingIsUnknown() {
        UrlSigner other = new UrlSigner(SigningKeys.of("k9", NEW), Duration.ofHours(1), CLOCK);

        assertThat(signer.verify(parse(other.prefix(VIDEO) + "manifest.mpd"))).isEqualTo(UNKNOWN_KEY);
    }

    @Test
    void rotationOldUrlsPassWhileTheOldKeyIsSecondAndFailOnceItIsDropped() {
        String signedWithOld = signer.prefix(VIDEO) + "manifest.mpd";
        UrlSigner bothNewFirst = new UrlSigner(SigningKeys.of("k2", NEW, "k1", OLD), Duration.ofHours(6), CLOCK);
        UrlSigner onlyNew = new UrlSigner(SigningKeys.of("k2", NEW), Duration.ofHours(6), CLOCK);

        String signedWithNew = bothNewFirst.prefix(VIDEO) + "manifest.mpd";

        assertThat(signedWithNew).contains("/k2/");
        assertThat(bothNewFirst.verify(parse(signedWithOld))).isEqualTo(VALID);
        assertThat(bothNewFirst.verify(parse(signedWithNew))).isEqualTo(VALID);
        assertThat(signer.verify(parse(signedWithNew))).as("an old-key-only verifier").isEqualTo(UNKNOWN_KEY);
        assertThat(onlyNew.verify(parse(signedWithOld))).isEqualTo(UNKNOWN_KEY);
        assertThat(onlyNew.verify(parse(signedWithNew))).isEqualTo(VALID);
    }

    @Test
    void aSameIdWithAnotherSecretIsABadSignature() {
        UrlSigner impostor = new UrlSigner(SigningKeys.of("k1", NEW), Duration.ofHours(1), CLOCK);

        assertThat(signer.verify(parse(impostor.prefix(VIDEO) + "manifest.mpd"))).isEqualTo(BAD_SIGNATURE);
    }

    @Test
    void signsOnlyVideoPathsAndLifetimesWithinBounds() {
        assertThatThrownBy(() -> signer.sign("/api/videos")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signer.prefix("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UrlSigner(SigningKeys.of("k1", OLD), Duration.ofSeconds(59), CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UrlSigner(SigningKeys.of("k1", OLD), Duration.ofDays(8), CLOCK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signingFromManyThreadsAtOnceGivesTheSameSignature() throws Exception {
        String expected = signer.prefix(VIDEO);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    if (!signer.prefix(VIDEO).equals(expected)) {
                        wrong.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(wrong).hasValue(0);
    }

    private static SignedPath parse(String raw) {
        return ((SignedPath.Signed) SignedPath.parse(raw)).path();
    }
}
