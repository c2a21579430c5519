package io.streamcdn.edge.cache;

import io.streamcdn.common.http.HttpDate;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a shared cache may do with one upstream response, from its status and caching headers alone
 * (RFC 9111, RFC 5861): a pure function, tested without a server.
 * <ul>
 *   <li>Only 200 responses are stored (the edge serves Range requests from whole objects). {@code no-store}
 *       and {@code private} forbid storing; so does a response with no freshness information and no validator.</li>
 *   <li>Lifetime: {@code s-maxage}, else {@code max-age}, else {@code Expires - Date}; without any of them,
 *       10 % of the time since {@code Last-Modified}, at most a day (RFC 9111 §4.2.2's heuristic).
 *       {@code no-cache} stores the response but makes it stale at once, so every use is revalidated.</li>
 *   <li>Stale on error: the response's {@code stale-if-error=N} if present, else the edge's default;
 *       none at all with {@code must-revalidate}, {@code proxy-revalidate} or {@code no-cache}.</li>
 *   <li>{@code immutable} is remembered: such an object is never revalidated while fresh, and the edge
 *       tells clients so by passing the directive on.</li>
 * </ul>
 *
 * @param storable            may be kept in the cache
 * @param lifetimeMillis      how long it is fresh, counted from its age zero
 * @param staleIfErrorMillis  how long past that it may be served while the upstream fails
 * @param immutable           the upstream promises it never changes
 * @param initialAgeSeconds   its age when it arrived (the upstream's {@code Age} header; 0 when absent)
 */
public record Freshness(boolean storable, long lifetimeMillis, long staleIfErrorMillis, boolean immutable,
                        long initialAgeSeconds) {

    private static final long HEURISTIC_MAX_MILLIS = Duration.ofDays(1).toMillis();

    /** The headers that matter, raw (null when absent). */
    public record Headers(String cacheControl, String expires, String date, String lastModified, String age,
                          String etag) {
    }

    public static Freshness of(int status, Headers headers, Duration defaultStaleIfError) {
        CacheControl cc = CacheControl.parse(headers.cacheControl());
        long initialAge = parseSeconds(headers.age()).orElse(0);
        long staleIfError = cc.mustRevalidate || cc.noCache ? 0
                : cc.staleIfError.isPresent() ? millis(cc.staleIfError.getAsLong()) : defaultStaleIfError.toMillis();

        OptionalLong lifetime = explicitLifetime(cc, headers);
        boolean hasValidator = headers.etag() != null || headers.lastModified() != null;
        boolean storable = status == 200 && !cc.noStore && !cc.isPrivate
                && (lifetime.isPresent() || hasValidator || cc.noCache);
        long lifetimeMillis = cc.noCache ? 0 : lifetime.orElseGet(() -> heuristicLifetime(headers));
        return new Freshness(storable, Math.max(0, lifetimeMillis), staleIfError, cc.immutable, initialAge);
    }

    private static OptionalLong explicitLifetime(CacheControl cc, Headers headers) {
        if (cc.sMaxAge.isPresent()) {
            return OptionalLong.of(millis(cc.sMaxAge.getAsLong()));
        }
        if (cc.maxAge.isPresent()) {
            return OptionalLong.of(millis(cc.maxAge.getAsLong()));
        }
        if (headers.expires() != null) {
            // An Expires that cannot be read means "already expired" (RFC 9111 §5.3).
            Optional<Long> expires = HttpDate.parseEpochSeconds(headers.expires());
            Optional<Long> date = Optional.ofNullable(headers.date()).flatMap(HttpDate::parseEpochSeconds);
            long now = System.currentTimeMillis() / 1000;
            return OptionalLong.of(expires.map(e -> millis(e - date.orElse(now))).orElse(0L));
        }
        return OptionalLong.empty();
    }

    private static long heuristicLifetime(Headers headers) {
        Optional<Long> lastModified = Optional.ofNullable(headers.lastModified()).flatMap(HttpDate::parseEpochSeconds);
        if (lastModified.isEmpty()) {
            return 0;
        }
        long date = Optional.ofNullable(headers.date()).flatMap(HttpDate::parseEpochSeconds)
                .orElse(System.currentTimeMillis() / 1000);
        return Math.min(HEURISTIC_MAX_MILLIS, Math.max(0, millis(date - lastModified.get()) / 10));
    }

    /**
     * Seconds to milliseconds, saturating: an upstream may send any 18-digit number of seconds (or a date in the
     * year 999999999), and a product that wrapped around would turn "fresh for ever" into "stale since long ago"
     * or, for an Age, a stale response into a fresh one.
     */
    static long millis(long seconds) {
        try {
            return Math.multiplyExact(seconds, 1000);
        } catch (ArithmeticException tooLarge) {
            return seconds > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    /** {@code a + b} for durations that are never negative, saturating at Long.MAX_VALUE. */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static OptionalLong parseSeconds(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        String v = value.strip();
        if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) {
            v = v.substring(1, v.length() - 1);
        }
        if (!v.matches("\\d{1,18}")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(v));
    }

    /** The directives of one {@code Cache-Control} header that a shared cache acts on. */
    record CacheControl(boolean noStore, boolean isPrivate, boolean noCache, boolean mustRevalidate, boolean immutable,
                        OptionalLong maxAge, OptionalLong sMaxAge, OptionalLong staleIfError) {

        static CacheControl parse(String header) {
            boolean noStore = false;
            boolean isPrivate = false;
            boolean noCache = false;
            boolean mustRevalidate = false;
            boolean immutable = false;
            OptionalLong maxAge = OptionalLong.empty();
            OptionalLong sMaxAge = OptionalLong.empty();
            OptionalLong staleIfError = OptionalLong.empty();
            for (String directive : (header == null ? "" : header).split(",")) {
                String d = directive.strip();
                int eq = d.indexOf('=');
                String name = (eq < 0 ? d : d.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? null : d.substring(eq + 1);
                switch (name) {
                    case "no-store" -> noStore = true;
                    case "private" -> isPrivate = true;
                    case "no-cache" -> noCache = true;
                    case "must-revalidate", "proxy-revalidate" -> mustRevalidate = true;
                    case "immutable" -> immutable = true;
                    // An unreadable max-age makes the response stale (RFC 9111 §4.2.1): a lifetime of 0.
                    case "max-age" -> maxAge = OptionalLong.of(parseSeconds(value).orElse(0));
                    case "s-maxage" -> sMaxAge = OptionalLong.of(parseSeconds(value).orElse(0));
                    case "stale-if-error" -> staleIfError = parseSeconds(value);
                    default -> {
                        // other directives do not change what a shared cache does here
                    }
                }
            }
            return new CacheControl(noStore, isPrivate, noCache, mustRevalidate, immutable, maxAge, sMaxAge,
                    staleIfError);
        }
    }
}
