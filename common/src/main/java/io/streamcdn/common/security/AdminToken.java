package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * The shared secret every write to a role must carry as {@code Authorization: Bearer <token>}: uploads and
 * deletes on the origin, cache purges on an edge, registrations and heartbeats on the router. It comes from
 * {@value #ENVIRONMENT_VARIABLE} or from a file ({@code --admin-token-file}, which wins), never from a flag's
 * value, which {@code ps} would show to every user of the machine.
 *
 * <p>Presented tokens are compared by their SHA-256 digests with {@link MessageDigest#isEqual}: equal-length
 * inputs compared in constant time, so neither the token's length nor how much of it a guess got right leaks
 * through the answer's timing. The token is never part of a message, {@link #toString()} or log line; only
 * where it came from is.
 */
public final class AdminToken {

    public static final String ENVIRONMENT_VARIABLE = "STREAMCDN_ADMIN_TOKEN";
    public static final String FILE_FLAG = "--admin-token-file";
    /** Short tokens can be guessed; 16 characters of {@code openssl rand -hex 32} output is already 64 bits. */
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 4096;

    private final String value;
    private final byte[] digest;
    private final String source;

    private AdminToken(String value, String source) {
        this.value = value;
        this.digest = sha256(value);
        this.source = source;
    }

    /**
     * The token from {@code file} when given (blank for none), else from {@value #ENVIRONMENT_VARIABLE} in
     * {@code environment}, else none. A file that cannot be read, or a token that is too short or holds spaces
     * or control characters, is a {@link ConfigException} naming where it came from (and never the token).
     */
    public static Optional<AdminToken> resolve(String file, Map<String, String> environment) {
        if (file != null && !file.isBlank()) {
            Path path = Path.of(file.strip());
            String text;
            try {
                ConfigException.require(Files.isRegularFile(path), "%s %s is not a readable file", FILE_FLAG, path);
                text = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(FILE_FLAG + " " + path + " cannot be read: " + e.getMessage());
            }
            return Optional.of(of(text, FILE_FLAG + " " + path.toAbsolutePath()));
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment == null || fromEnvironment.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(of(fromEnvironment, ENVIRONMENT_VARIABLE));
    }

    /**
     * A token as written (surrounding whitespace, like a file's final newline, is dropped); {@code source} says
     * where it came from in messages, like {@code STREAMCDN_ADMIN_TOKEN}.
     */
    public static AdminToken of(String text, String source) {
        String token = text == null ? "" : text.strip();
        ConfigException.require(!token.isEmpty(), "the admin token from %s is empty; put a long random secret "
                + "there, like the output of 'openssl rand -hex 32'", source);
        ConfigException.require(token.length() >= MIN_LENGTH && token.length() <= MAX_LENGTH,
                "the admin token from %s has %d characters; use %d to %d, like the output of 'openssl rand -hex 32'",
                source, token.length(), MIN_LENGTH, MAX_LENGTH);
        ConfigException.require(token.chars().allMatch(c -> c > 0x20 && c < 0x7f),
                "the admin token from %s holds spaces, control or non-ASCII characters; it must fit in an "
                        + "Authorization header: use letters, digits and punctuation, like the output of "
                        + "'openssl rand -hex 32'", source);
        return new AdminToken(token, source);
    }

    /** Whether {@code presented} is this token, in time that does not depend on how much of it matches. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(sha256(presented), digest);
    }

    /** The {@code Authorization} header value a client of a role sends: {@code Bearer <token>}. */
    public String authorization() {
        return "Bearer " + value;
    }

    /** Where the token came from, for log lines: {@code STREAMCDN_ADMIN_TOKEN} or {@code --admin-token-file F}. */
    public String source() {
        return source;
    }

    /** Never the token itself: configurations are logged. */
    @Override
    public String toString() {
        return "admin token from " + source;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
