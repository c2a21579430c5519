package io.streamcdn.common.security;

import io.streamcdn.common.http.ApiError;
import io.streamcdn.common.http.JsonErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stands in front of every route that changes a role's state. With an {@link AdminToken} configured, a request
 * passes only with {@code Authorization: Bearer <token>}: none (or another scheme) is a 401 with
 * {@code WWW-Authenticate: Bearer}, a wrong token a 403. Without one, only clients on this machine (loopback
 * peers) may write, and the role says so once at start ({@link #announce}).
 *
 * <p>The peer is the TCP connection's, never {@code X-Forwarded-For}: a header is the client's word. A refused
 * request whose body is still coming (an upload) is answered at once, its body drained for a moment and the
 * connection closed, so a client is told without first sending gigabytes and cannot hold the connection.
 */
public final class AdminGuard implements Handler<RoutingContext> {

    /** What a write request is, as far as the guard is concerned. */
    public enum Verdict {
        ALLOWED, MISSING_TOKEN, NOT_BEARER, WRONG_TOKEN, NOT_LOOPBACK
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdminGuard.class);
    static final String CHALLENGE = "Bearer realm=\"streamcdn\"";
    /** How long the body of a refused write may drain before the connection is closed. */
    static final long DRAIN_MILLIS = 2_000;

    private final String role;
    private final Optional<AdminToken> token;

    /** @param role who answers, in reasons: {@code origin}, {@code edge}, {@code router} */
    public AdminGuard(String role, Optional<AdminToken> token) {
        this.role = role;
        this.token = token;
    }

    /**
     * One line at start: where the token comes from (never the token), or a WARN that writes are accepted from
     * this machine only; {@code writes} names them, like {@code "uploads and deletes"}.
     */
    public static void announce(String role, Optional<AdminToken> token, String writes) {
        if (token.isPresent()) {
            LOG.info("{}: {} need the admin token ({}) as Authorization: Bearer", role, writes, token.get().source());
        } else {
            LOG.warn("{}: no admin token configured ({} or {}): {} are accepted only from this machine (loopback)",
                    role, AdminToken.ENVIRONMENT_VARIABLE, AdminToken.FILE_FLAG, writes);
        }
    }

    /** The decision alone: a pure function of the configured token, the request's header and its peer. */
    public static Verdict judge(Optional<AdminToken> token, String authorization, InetAddress peer) {
        if (token.isEmpty()) {
            return peer != null && peer.isLoopbackAddress() ? Verdict.ALLOWED : Verdict.NOT_LOOPBACK;
        }
        if (authorization == null || authorization.isBlank()) {
            return Verdict.MISSING_TOKEN;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            return Verdict.NOT_BEARER;
        }
        return token.get().matches(header.substring(space + 1).strip()) ? Verdict.ALLOWED : Verdict.WRONG_TOKEN;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        SocketAddress remote = request.remoteAddress();
        Verdict verdict = judge(token, request.getHeader(HttpHeaders.AUTHORIZATION), address(remote));
        if (verdict == Verdict.ALLOWED) {
            ctx.next();
            return;
        }
        ApiError error = refusal(verdict);
        LOG.warn("refused {} {} from {}: {}", request.method(), request.path(),
                remote == null ? "-" : remote.hostAddress(), verdict.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        Map<String, String> headers = error.status() == 401 ? Map.of("WWW-Authenticate", verdict == Verdict.NOT_BEARER
                ? CHALLENGE + ", error=\"invalid_request\"" : CHALLENGE) : Map.of();
        boolean bodyStillComing = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        if (bodyStillComing) {
            request.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        JsonErrors.send(request.response(), error, headers).onComplete(sent -> {
            if (bodyStillComing) {
                drainAndClose(ctx, request);
            }
        });
    }

    ApiError refusal(Verdict verdict) {
        return switch (verdict) {
            case MISSING_TOKEN -> new ApiError(401, "unauthorized", "this " + role + " needs the admin token for "
                    + "writes: send Authorization: Bearer <token>, with the token the " + role + " was started with ("
                    + AdminToken.ENVIRONMENT_VARIABLE + " or " + AdminToken.FILE_FLAG + ")");
            case NOT_BEARER -> new ApiError(401, "unauthorized", "the Authorization header must use the Bearer "
                    + "scheme: Authorization: Bearer <token>");
            case WRONG_TOKEN -> new ApiError(403, "forbidden", "the admin token is not the one this " + role
                    + " was started with");
            case NOT_LOOPBACK -> new ApiError(403, "forbidden", "this " + role + " has no admin token configured, "
                    + "so it accepts writes only from its own machine; start it with " + AdminToken.ENVIRONMENT_VARIABLE
                    + "=<token> or " + AdminToken.FILE_FLAG + " FILE and send Authorization: Bearer <token>");
            case ALLOWED -> throw new IllegalArgumentException("an allowed request is not refused");
        };
    }

    private static void drainAndClose(RoutingContext ctx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded()) {
            connection.close();
            return;
        }
        long timer = ctx.vertx().setTimer(DRAIN_MILLIS, t -> connection.close());
        try {
            request.handler(null);
            request.endHandler(ended -> {
                ctx.vertx().cancelTimer(timer);
                connection.close();
            });
            request.resume();
        } catch (IllegalStateException endedMeanwhile) {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        }
    }

    private static InetAddress address(SocketAddress remote) {
        if (remote == null || remote.hostAddress() == null || remote.hostAddress().isEmpty()) {
            return null;
        }
        try {
            return InetAddress.getByName(remote.hostAddress()); // an IP literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
