package io.streamcdn.common;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The project version every role reports ({@code --version}, {@code /health}), and the commit it was built from.
 * Maven writes the version into {@code version.properties} when it builds this module, and the commit (from
 * {@code git rev-parse}) into {@code commit.properties}, so they are the same in tests, jars, the launcher and the
 * distribution archive.
 */
public final class Version implements CommandLine.IVersionProvider {

    private static final String UNKNOWN = "unknown";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");

    /** {@code 0.1.0-SNAPSHOT}, or {@code unknown} if the resource was not filtered (an IDE build). */
    public static String current() {
        String version = property("version.properties", "version").orElse(UNKNOWN);
        return version.startsWith("${") ? UNKNOWN : version;
    }

    /**
     * The abbreviated commit the build was made from ({@code 1a2b3c4d5e6f}); empty when the sources were not a git
     * checkout or git was missing.
     */
    public static Optional<String> commit() {
        return property("commit.properties", "commit").map(String::strip).filter(c -> COMMIT.matcher(c).matches());
    }

    /** One line: {@code streamcdn 0.1.0-SNAPSHOT (commit 1a2b3c4d5e6f)}, without the parenthesis when unknown. */
    public static String describe() {
        return "streamcdn " + current() + commit().map(c -> " (commit " + c + ")").orElse("");
    }

    private static Optional<String> property(String resource, String key) {
        try (InputStream in = Version.class.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For picocli's {@code mixinStandardHelpOptions}: {@code @Command(versionProvider = Version.class)}. */
    @Override
    public String[] getVersion() {
        return new String[] {describe()};
    }
}
