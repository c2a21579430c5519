package io.streamcdn.common;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The project version every role reports ({@code --version}, {@code /health}). Maven writes it into
 * {@code version.properties} when it builds this module, so it is the same in tests, jars and the launcher.
 */
public final class Version implements CommandLine.IVersionProvider {

    private static final String UNKNOWN = "unknown";

    /** {@code 0.1.0-SNAPSHOT}, or {@code unknown} if the resource was not filtered (an IDE build). */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", UNKNOWN);
            return version.startsWith("${") ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For picocli's {@code mixinStandardHelpOptions}: {@code @Command(versionProvider = Version.class)}. */
    @Override
    public String[] getVersion() {
        return new String[] {"streamcdn " + current()};
    }
}
