package io.streamcdn.common.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.HttpProblem;
import io.streamcdn.common.http.JsonErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stands in front of a role's video files and lets through only what signing allows, before the file server or
 * the cache sees the request:
 * <ul>
 *   <li>{@link #signed()}, on {@code /s/...}: the path is parsed and its signature verified; a valid one goes on
 *       as its unsigned path ({@link #videoPath}), so a signed request is served, cached and counted exactly as
 *       {@code /videos/{id}/{file}}. Without keys the role cannot check a signature and serves the path unsigned
 *       (its unsigned paths are open anyway), so signing can be switched on at the signers first.</li>
 *   <li>{@link #plain()}, on {@code /videos/...}: open without keys; with keys only a request carrying the admin
 *       token passes (an operator's {@code curl}), every other is refused as {@code missing}.</li>
 * </ul>
 * A refusal is a 403 {@code {"error": "signed_url_<why>", "reason": ...}} with {@code Cache-Control: no-store} (the
 * same path may be served once the player has a fresh URL), keeps the CORS headers set before it so a player's
 * page can read it, is logged, and counted by reason.
 */
public final class SignedUrlGate {

    private static final Logger LOG = LoggerFactory.getLogger(SignedUrlGate.class);
    private static final String VIDEO_PATH = "streamcdn.signed.videoPath";

    private final String role;
    private final Optional<UrlSigner> signer;
    private final Optional<AdminToken> adminToken;
    private final Map<UrlSigner.Verdict, Counter> refusals = new EnumMap<>(UrlSigner.Verdict.class);

    /**
     * @param role        who answers, in log lines: {@code edge edge-eu-1}, {@code origin}
     * @param signer      the ring to verify with; empty when the role has no signing keys
     * @param adminToken  the token that lets an operator fetch unsigned paths while signing is on
     * @param registry    where refusals are counted
     * @param metricName  the refusal counter's name, like {@code streamcdn.edge.signed.url.refusals}
     */
    public SignedUrlGate(String role, Optional<UrlSigner> signer, Optional<AdminToken> adminToken,
                         MeterRegistry registry, String metricName) {
        this.role = role;
        this.signer = signer;
        this.adminToken = adminToken;
        for (UrlSigner.Verdict verdict : UrlSigner.Verdict.values()) {
            if (verdict != UrlSigner.Verdict.VALID) {
                refusals.put(verdict, Counter.builder(metricName).tag("reason", verdict.label())
                        .description("Requests for video files refused for their signed URL, by reason")
                        .register(registry));
            }
        }
    }

    /** Start-up line: whether viewers need signed URLs here. */
    public void announce() {
        signer.ifPresentOrElse(
                s -> LOG.info("{}: video files are served only under signed URLs (keys {} from {})", role,
                        String.join(", ", s.keys().ids()), s.keys().source()),
                () -> LOG.info("{}: no signing keys ({}): video files are served unsigned to anyone", role,
                        SigningKeys.FILE_FLAG));
    }

    /** The handler of {@code GET|HEAD /s/...}. */
    public Handler<RoutingContext> signed() {
        return ctx -> {
            SignedPath.Parsed parsed = SignedPath.parse(ctx.request().path());
            if (parsed instanceof SignedPath.Malformed malformed) {
                if (signer.isEmpty()) {
                    ctx.fail(HttpProblem.badRequest("bad_path", malformed.reason()));
                } else {
                    refuse(ctx, UrlSigner.Verdict.MALFORMED, UrlSigner.Verdict.MALFORMED.reason() + ": "
                            + malformed.reason());
                }
                return;
            }
            SignedPath path = ((SignedPath.Signed) parsed).path();
            if (signer.isPresent()) {
                UrlSigner.Verdict verdict = signer.get().verify(path);
                if (verdict != UrlSigner.Verdict.VALID) {
                    refuse(ctx, verdict, verdict == UrlSigner.Verdict.UNKNOWN_KEY
                            ? verdict.reason() + " (key id " + path.keyId() + ")" : verdict.reason());
                    return;
                }
            }
            ctx.put(VIDEO_PATH, path.videoPath());
            ctx.next();
        };
    }

    /** The handler of {@code GET|HEAD /videos/...}. */
    public Handler<RoutingContext> plain() {
        return ctx -> {
            if (signer.isEmpty() || adminToken.isPresent() && AdminGuard.judge(adminToken,
                    ctx.request().getHeader(HttpHeaders.AUTHORIZATION), null) == AdminGuard.Verdict.ALLOWED) {
                ctx.next();
                return;
            }
            refuse(ctx, UrlSigner.Verdict.MISSING, UrlSigner.Verdict.MISSING.reason());
        };
    }

    /**
     * The unsigned path a request asks for: {@code /videos/{id}/{file}} of a verified signed path, else the
     * request's own raw path. File servers and caches read this instead of {@code request.path()}.
     */
    public static String videoPath(RoutingContext ctx) {
        String verified = ctx.get(VIDEO_PATH);
        return verified != null ? verified : ctx.request().path();
    }

    private void refuse(RoutingContext ctx, UrlSigner.Verdict verdict, String reason) {
        HttpServerRequest request = ctx.request();
        refusals.get(verdict).increment();
        LOG.info("{}: refused {} {} from {}: {}", role, request.method(), printable(request.path()),
                request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress(), verdict.label());
        JsonErrors.send(ctx.response(), new ApiError(403, "signed_url_" + verdict.label(), reason), Map.of());
    }

    /** A path as a log line may hold it: at most 256 characters, anything but printable ASCII as '?'. */
    private static String printable(String path) {
        if (path == null) {
            return "-";
        }
        StringBuilder text = new StringBuilder(Math.min(path.length(), 256));
        for (int i = 0; i < path.length() && i < 256; i++) {
            char c = path.charAt(i);
            text.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return path.length() > 256 ? text.append("...").toString() : text.toString();
    }
}
