package io.streamcdn.origin.api;

import java.io.IOException;

/**
 * Tells a full disk from other I/O failures. Java reports {@code ENOSPC} (no space), {@code EDQUOT} (quota)
 * and {@code EFBIG} (the file reached the largest size the file system or the process's limit allows) only
 * as an {@link IOException} carrying the C library's message, so the message is what is matched.
 */
final class DiskFull {

    private static final String[] MESSAGES = {"No space left on device", "Disk quota exceeded", "File too large"};

    private DiskFull() {
    }

    /** True when {@code error} or one of its causes is a full disk. */
    static boolean causedBy(Throwable error) {
        return find(error) != null;
    }

    /** The system's words for it, like "No space left on device"; the error's message otherwise. */
    static String describe(Throwable error) {
        String found = find(error);
        return found != null ? found : String.valueOf(error.getMessage());
    }

    private static String find(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            String message = e.getMessage();
            if (message == null) {
                continue;
            }
            for (String full : MESSAGES) {
                if (message.contains(full)) {
                    return full;
                }
            }
        }
        return null;
    }
}
