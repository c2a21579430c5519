package io.streamcdn.origin.jobs;

import java.util.Locale;

/**
 * Where a video is in its life. {@code queued → encoding → ready | failed}; an interrupted encode goes
 * back to {@code queued}. Spelled in lower case in JSON and logs.
 */
public enum VideoState {
    QUEUED, ENCODING, READY, FAILED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VideoState parse(String label) {
        for (VideoState state : values()) {
            if (state.label().equals(label)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown video state '" + label + "'");
    }
}
