package io.streamcdn.origin.jobs;

import java.security.SecureRandom;
import io.streamcdn.common.VideoIdSyntax;

import java.util.regex.Pattern;

/**
 * Video ids: 12 characters of {@code [a-z0-9]} drawn from {@link SecureRandom}, so ids cannot be guessed
 * or enumerated (36^12 is about 4.7e18). They are file names, URL path segments and CDN cache keys at
 * once, hence the plain alphabet. The file server accepts any {@code [a-z0-9]{6,32}}; the API accepts the
 * same range so both agree on what an id looks like.
 */
public final class VideoId {

    public static final int LENGTH = 12;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern FORMAT = Pattern.compile(VideoIdSyntax.REGEX);

    private final SecureRandom random;

    public VideoId(SecureRandom random) {
        this.random = random;
    }

    public String next() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(id);
    }

    public static boolean isValid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
