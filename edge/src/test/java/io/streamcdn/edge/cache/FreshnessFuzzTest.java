package io.streamcdn.edge.cache;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.common.http.HttpDate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for what the edge reads from its upstream's caching headers (Jazzer): Cache-Control, Expires, Date,
 * Last-Modified and Age, whatever an origin (or anything posing as one) sends.
 */
class FreshnessFuzzTest {

    private static final long NOW_MILLIS = 1_764_000_000_000L;
    private static final Duration DEFAULT_STALE = Duration.ofHours(1);

    /**
     * Any upstream headers give a lifetime, a stale-if-error allowance and an initial age that are never negative;
     * a response is fresh for one unbroken stretch from its arrival, is servable on error whenever it is fresh,
     * and a response that arrived older than its lifetime is never fresh.
     */
    @FuzzTest
    @DictionaryEntries({"max-age=", "s-maxage=", "stale-if-error=", "no-cache", "no-store", "private", "immutable",
            "must-revalidate", ",", "=", "\"", "999999999999999999", "Sun, 06 Nov 1994 08:49:37 GMT"})
    void anyUpstreamHeadersGiveASaneFreshness(FuzzedDataProvider data) {
        int status = data.pickValue(new int[] {200, 206, 304, 404, 500});
        Freshness.Headers headers = new Freshness.Headers(header(data), header(data),
                data.consumeBoolean() ? HttpDate.format(NOW_MILLIS) : header(data), header(data), header(data),
                data.consumeBoolean() ? "\"v1\"" : null);

        Freshness freshness = Freshness.of(status, headers, DEFAULT_STALE);

        assertThat(freshness.lifetimeMillis()).isNotNegative();
        assertThat(freshness.staleIfErrorMillis()).isNotNegative();
        assertThat(freshness.initialAgeSeconds()).isNotNegative();
        if (status != 200) {
            assertThat(freshness.storable()).as("only 200s are stored").isFalse();
        }
        CachedResponse response = new CachedResponse("/videos/x/seg-00001.m4s", stored(headers), 1000, NOW_MILLIS,
                freshness);
        if (freshness.initialAgeSeconds() > freshness.lifetimeMillis() / 1000) {
            assertThat(response.isFresh(NOW_MILLIS)).as("arrived older than its lifetime").isFalse();
        }
        long later = NOW_MILLIS + data.consumeLong(0, Long.MAX_VALUE - NOW_MILLIS);
        if (response.isFresh(later)) {
            assertThat(response.isFresh(NOW_MILLIS)).as("fresh later, so fresh now").isTrue();
        }
        if (response.servableOnError(later)) {
            assertThat(response.servableOnError(NOW_MILLIS)).as("servable on error later, so now").isTrue();
        }
        for (long t : new long[] {NOW_MILLIS, later}) {
            if (response.isFresh(t)) {
                assertThat(response.servableOnError(t)).as("fresh, so servable on error").isTrue();
            }
        }
    }

    /** A longer max-age (or s-maxage, or stale-if-error) never gives a shorter allowance. */
    @FuzzTest
    void aLongerMaxAgeNeverGivesAShorterLifetime(FuzzedDataProvider data) {
        String directive = data.pickValue(List.of("max-age", "s-maxage", "stale-if-error"));
        long shorter = data.consumeLong(0, 999_999_999_999_999_999L);
        long longer = data.consumeLong(shorter, 999_999_999_999_999_999L);

        Freshness a = Freshness.of(200, cacheControl(directive + "=" + shorter), DEFAULT_STALE);
        Freshness b = Freshness.of(200, cacheControl(directive + "=" + longer), DEFAULT_STALE);

        if (directive.equals("stale-if-error")) {
            assertThat(b.staleIfErrorMillis()).isGreaterThanOrEqualTo(a.staleIfErrorMillis());
        } else {
            assertThat(b.lifetimeMillis()).isGreaterThanOrEqualTo(a.lifetimeMillis());
        }
    }

    private static Freshness.Headers cacheControl(String value) {
        return new Freshness.Headers(value, null, HttpDate.format(NOW_MILLIS), null, null, "\"v1\"");
    }

    private static List<Map.Entry<String, String>> stored(Freshness.Headers headers) {
        List<Map.Entry<String, String>> stored = new ArrayList<>();
        if (headers.etag() != null) {
            stored.add(Map.entry("ETag", headers.etag()));
        }
        if (headers.lastModified() != null) {
            stored.add(Map.entry("Last-Modified", headers.lastModified()));
        }
        return stored;
    }

    /** A header value as the edge's HTTP client decodes it, or absent (null). */
    private static String header(FuzzedDataProvider data) {
        return data.consumeBoolean() ? new String(data.consumeBytes(48), StandardCharsets.ISO_8859_1) : null;
    }
}
