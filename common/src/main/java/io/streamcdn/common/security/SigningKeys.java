package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The key ring signed URLs are made and checked with: one key, or two while keys are rotated. The first key
 * signs; every key verifies, picked by the key id a signed URL carries (as Traffic Server's {@code url_sig} picks
 * its key by index), so URLs signed with the previous key keep working while it is still listed second.
 *
 * <p>The ring comes from a file ({@value #FILE_FLAG}), one key a line as {@code id:base64secret}, {@code #}
 * starting a comment:
 * <pre>
 *   # made with: echo "k2:$(openssl rand -base64 32)"
 *   k2:0u8C7Y0b2W2vS4r3cS0bq1c0bK3y6F3Yc5yqQfR0b1s=
 *   k1:Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg=
 * </pre>
 * Secrets are random bytes, at least {@value #MIN_SECRET_BYTES} of them (HMAC-SHA256's own size), in base64 or
 * base64url. Every mistake in the file is one line naming the file and the line, and never holding a secret or
 * the text of the line (which might be one): neither {@link #toString()} nor any message shows a secret.
 */
public final class SigningKeys {

    public static final String FILE_FLAG = "--signing-keys-file";
    /** One key signs and verifies; a second verifies (or signs, once swapped to the front) during a rotation. */
    public static final int MAX_KEYS = 2;
    /** HMAC-SHA256's block is 64 bytes and its output 32: fewer random bytes than that weaken it. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int MAX_SECRET_BYTES = 1024;
    static final String ALGORITHM = "HmacSHA256";

    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]+={0,2}");

    private final List<Key> keys;
    private final String source;

    private SigningKeys(List<Key> keys, String source) {
        this.keys = List.copyOf(keys);
        this.source = source;
    }

    /**
     * One key of the ring: its id (goes into URLs) and an HMAC prepared with its secret. The secret itself is not
     * kept apart from the HMAC, and is never printed.
     */
    public static final class Key {

        private final String id;
        private final Mac prototype;

        private Key(String id, byte[] secret) {
            this.id = id;
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(secret, ALGORITHM));
                this.prototype = mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java runtime has " + ALGORITHM, e);
            }
        }

        public String id() {
            return id;
        }

        /** HMAC-SHA256 of {@code message} under this key. Thread-safe: each call works on its own copy. */
        byte[] hmac(byte[] message) {
            Mac mac;
            try {
                // A clone keeps the key schedule already computed; the prototype itself is never updated.
                mac = (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(ALGORITHM + " cannot be cloned", e);
            }
            return mac.doFinal(message);
        }

        @Override
        public String toString() {
            return "signing key " + id;
        }
    }

    /**
     * The ring in {@value #FILE_FLAG} {@code file}; empty when {@code file} is null or blank (URLs are not signed).
     *
     * @throws ConfigException when the file cannot be read or holds no usable ring
     */
    public static Optional<SigningKeys> fromFile(String file) {
        if (file == null || file.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(file.strip());
        String where = FILE_FLAG + " " + path;
        ConfigException.require(Files.isRegularFile(path) && Files.isReadable(path), "%s cannot be read", where);
        String text;
        try {
            // Latin-1 decodes any bytes: a binary file is then refused line by line, not as a decoding error.
            text = new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(where + " cannot be read: " + e.getMessage());
        }
        return Optional.of(parse(text, where));
    }

    /**
     * The ring written in {@code text}, in the file format above; {@code source} names it in messages, like
     * {@code --signing-keys-file /etc/streamcdn/keys}.
     */
    public static SigningKeys parse(String text, String source) {
        List<Key> keys = new ArrayList<>();
        String[] lines = (text == null ? "" : text).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = source + " line " + (i + 1);
            int colon = line.indexOf(':');
            ConfigException.require(colon > 0, "%s is not a key: write id:base64secret, like "
                    + "k1:<the output of 'openssl rand -base64 32'>", at);
            String id = line.substring(0, colon).strip();
            ConfigException.require(KEY_ID.matcher(id).matches(),
                    "%s: the key id must be 1 to 32 letters, digits, '-' or '_', like k1", at);
            ConfigException.require(keys.stream().noneMatch(k -> k.id().equals(id)),
                    "%s: key id %s is listed twice; every key needs its own id", at, id);
            byte[] secret = secret(line.substring(colon + 1).strip(), at + " (key " + id + ")");
            keys.add(new Key(id, secret));
            java.util.Arrays.fill(secret, (byte) 0); // the HMAC keeps its own copy
        }
        ConfigException.require(!keys.isEmpty(), "%s holds no key; write one line id:base64secret, like "
                + "k1:<the output of 'openssl rand -base64 32'>", source);
        ConfigException.require(keys.size() <= MAX_KEYS, "%s holds %d keys; give one, or two while rotating "
                + "(the first signs, both verify)", source, keys.size());
        return new SigningKeys(keys, source);
    }

    /** A ring from secrets in code, first signing (tests, benchmarks): {@code of("k1", secret1, "k2", secret2)}. */
    public static SigningKeys of(Object... idsAndSecrets) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i + 1 < idsAndSecrets.length; i += 2) {
            text.append(idsAndSecrets[i]).append(':')
                    .append(Base64.getEncoder().encodeToString((byte[]) idsAndSecrets[i + 1])).append('\n');
        }
        return parse(text.toString(), "keys given in code");
    }

    private static byte[] secret(String encoded, String at) {
        ConfigException.require(!encoded.isEmpty(), "%s has no secret after the ':'", at);
        ConfigException.require(BASE64.matcher(encoded).matches(), "%s: the secret is not base64; write the "
                + "output of 'openssl rand -base64 32'", at);
        byte[] secret;
        try {
            // Standard and URL-safe alphabets both; padding optional.
            secret = Base64.getDecoder().decode(encoded.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + ": the secret is not base64; write the output of 'openssl rand -base64 32'");
        }
        ConfigException.require(secret.length >= MIN_SECRET_BYTES && secret.length <= MAX_SECRET_BYTES,
                "%s: the secret is %d bytes; use %d to %d random bytes, like the output of 'openssl rand -base64 32'",
                at, secret.length, MIN_SECRET_BYTES, MAX_SECRET_BYTES);
        return secret;
    }

    /** The key new URLs are signed with: the first of the file. */
    public Key signing() {
        return keys.get(0);
    }

    /** The key with {@code id}, if the ring has it. */
    public Optional<Key> find(String id) {
        for (Key key : keys) {
            if (key.id().equals(id)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** The ids in order, the signing key first. */
    public List<String> ids() {
        return keys.stream().map(Key::id).toList();
    }

    /** Where the ring came from, for log lines. */
    public String source() {
        return source;
    }

    /** For a {@code describe()} line: the file and the key ids, never a secret. */
    public String describe() {
        return source.replaceFirst("^" + FILE_FLAG + " ", "") + " (" + String.join(", ", ids()) + ")";
    }

    @Override
    public String toString() {
        return "signing keys " + ids() + " from " + source;
    }
}
