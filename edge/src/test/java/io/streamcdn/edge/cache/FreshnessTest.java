package io.streamcdn.edge.cache;

import io.streamcdn.common.http.HttpDate;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9111 freshness and RFC 5861 stale-if-error for a shared cache, without a server. */
class FreshnessTest {

    private static final Duration DEFAULT_STALE = Duration.ofHours(1);
    private static final long NOW = 1_764_000_000L; // epoch seconds
    private static final String DATE = HttpDate.format(NOW * 1000);

    private static Freshness of(int status, String cacheControl, String expires, String lastModified, String age,
                                String etag) {
        return Freshness.of(status, new Freshness.Headers(cacheControl, expires, DATE, lastModified, age, etag),
                DEFAULT_STALE);
    }

    private static Freshness of(String cacheControl) {
        return of(200, cacheControl, null, null, null, "\"v1\"");
    }

    @Test
    void maxAgeSetsTheLifetimeAndImmutableIsRemembered() {
        Freshness segment = of("public, max-age=31536000, immutable");

        assertThat(segment.storable()).isTrue();
        assertThat(segment.lifetimeMillis()).isEqualTo(31_536_000_000L);
        assertThat(segment.immutable()).isTrue();
        assertThat(segment.staleIfErrorMillis()).isEqualTo(DEFAULT_STALE.toMillis());
    }

    @Test
    void sMaxAgeWinsOverMaxAgeForASharedCache() {
        assertThat(of("max-age=60, s-maxage=600").lifetimeMillis()).isEqualTo(600_000);
    }

    @Test
    void noStoreAndPrivateAreNeverStored() {
        assertThat(of("no-store").storable()).isFalse();
        assertThat(of("private, max-age=600").storable()).isFalse();
        assertThat(of("PRIVATE").storable()).isFalse();
    }

    @Test
    void noCacheIsStoredButAlwaysRevalidatedAndNeverServedStale() {
        Freshness noCache = of("no-cache");

        assertThat(noCache.storable()).isTrue();
        assertThat(noCache.lifetimeMillis()).isZero();
        assertThat(noCache.staleIfErrorMillis()).isZero();
    }

    @Test
    void mustRevalidateForbidsServingStaleOnError() {
        assertThat(of("max-age=60, must-revalidate").staleIfErrorMillis()).isZero();
        assertThat(of("max-age=60, proxy-revalidate").staleIfErrorMillis()).isZero();
    }

    @Test
    void theUpstreamsOwnStaleIfErrorWinsOverTheDefault() {
        assertThat(of("max-age=60, stale-if-error=30").staleIfErrorMillis()).isEqualTo(30_000);
    }

    @Test
    void expiresCountsFromTheResponsesDate() {
        Freshness expires = of(200, null, HttpDate.format((NOW + 120) * 1000), null, null, "\"v1\"");
        Freshness unreadable = of(200, null, "0", null, null, "\"v1\"");

        assertThat(expires.lifetimeMillis()).isEqualTo(120_000);
        assertThat(unreadable.lifetimeMillis()).isZero(); // an unreadable Expires means already expired
        assertThat(unreadable.storable()).isTrue();
    }

    @Test
    void withoutExplicitFreshnessTenPercentOfTheAgeSinceModificationIsUsed() {
        Freshness heuristic = of(200, null, null, HttpDate.format((NOW - 36_000) * 1000), null, null);
        Freshness old = of(200, null, null, HttpDate.format((NOW - 100 * 86_400L) * 1000), null, null);

        assertThat(heuristic.lifetimeMillis()).isEqualTo(3_600_000);
        assertThat(old.lifetimeMillis()).isEqualTo(86_400_000); // at most a day
    }

    @Test
    void onlyWholeOkResponsesWithFreshnessOrAValidatorAreStored() {
        assertThat(of(404, "max-age=60", null, null, null, null).storable()).isFalse();
        assertThat(of(206, "max-age=60", null, null, null, "\"v1\"").storable()).isFalse();
        assertThat(of(200, null, null, null, null, null).storable()).isFalse();
    }

    @Test
    void theUpstreamsAgeIsTheStartingAgeAndBadNumbersMeanStale() {
        assertThat(of(200, "max-age=60", null, null, "25", null).initialAgeSeconds()).isEqualTo(25);
        assertThat(of(200, "max-age=abc", null, null, null, null).lifetimeMillis()).isZero();
        assertThat(of(200, "max-age=\"90\"", null, null, null, null).lifetimeMillis()).isEqualTo(90_000);
    }

    @Test
    void aCachedResponseIsFreshThenStaleThenTooOld() {
        CachedResponse cached = new CachedResponse("/videos/abcdef/manifest.mpd", java.util.List.of(), 10,
                NOW * 1000, of("max-age=60"));

        assertThat(cached.isFresh(NOW * 1000 + 59_000)).isTrue();
        assertThat(cached.isFresh(NOW * 1000 + 60_000)).isFalse();
        assertThat(cached.servableOnError(NOW * 1000 + 60_000 + 3_599_000)).isTrue();
        assertThat(cached.servableOnError(NOW * 1000 + 60_000 + 3_600_000)).isFalse();
        assertThat(cached.ageSeconds(NOW * 1000 + 42_500)).isEqualTo(42);
    }

    // Found by FreshnessFuzzTest: max-age=562949953421312 and above wrapped around when turned into milliseconds.
    @Test
    void secondsTooManyForMillisecondsMeanForeverNotAWrappedNegative() {
        long huge = 999_999_999_999_999_999L;

        assertThat(of("max-age=" + huge).lifetimeMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(of("s-maxage=" + huge).lifetimeMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(of("max-age=60, stale-if-error=" + huge).staleIfErrorMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(of("max-age=9223372036854775").lifetimeMillis()).isEqualTo(9_223_372_036_854_775_000L);
        assertThat(of("max-age=9223372036854776").lifetimeMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anAgeBeyondTheLifetimeIsNeverFreshHoweverLarge() {
        CachedResponse aged = new CachedResponse("/videos/abcdef/manifest.mpd", java.util.List.of(), 10,
                NOW * 1000, of(200, "max-age=60", null, null, "999999999999999999", null));
        CachedResponse foreverOnError = new CachedResponse("/videos/abcdef/manifest.mpd", java.util.List.of(), 10,
                NOW * 1000, of("max-age=" + Long.MAX_VALUE / 1000 + ", stale-if-error=999999999999999999"));

        assertThat(aged.isFresh(NOW * 1000)).isFalse();
        assertThat(aged.servableOnError(NOW * 1000)).isFalse();
        assertThat(foreverOnError.servableOnError(NOW * 1000 + 86_400_000)).isTrue();
    }
}
