package io.streamcdn.common;

/**
 * A configuration value that cannot be used. The message names the setting (by its flag) and the
 * bad value, and says what would be accepted; the launcher prints it alone and exits with status 2.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    /** Throws unless {@code condition} holds; the message is formatted only on failure. */
    public static void require(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new ConfigException(String.format(format, args));
        }
    }
}
