package io.streamcdn.common;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A role's configuration file ({@code --config}): one setting per line, {@code key = value}, where the key is the
 * role's flag without its dashes ({@code cache-max = 20g} for {@code --cache-max 20g}). Blank lines and lines
 * starting with {@code #} are ignored; the value is everything after the first {@code =}, trimmed, taken as
 * written (no quotes, no escapes, no variables), so a value means exactly what it would mean after the flag.
 *
 * <p>Deliberately not {@link java.util.Properties}: that format eats backslashes, accepts {@code key value} and
 * {@code key: value}, and lets a repeated key silently win; here every mistake is refused with its line number.
 * Unknown keys are refused too, naming the nearest real one, since a misspelt setting that is silently ignored
 * is the classic way a configuration file lies to its operator.
 */
public final class ConfigFile {

    private record Setting(String value, int line) {
    }

    private final Path path;
    private final Map<String, Setting> settings;

    private ConfigFile(Path path, Map<String, Setting> settings) {
        this.path = path;
        this.settings = settings;
    }

    /**
     * Reads and checks a configuration file.
     *
     * @param source how the file was named, for messages: {@code --config} or its environment variable
     * @param keys   the keys the role accepts
     * @throws ConfigException (one line) when the file cannot be read, a line is not {@code key = value}, a key is
     *                         repeated, or a key is not one of {@code keys}
     */
    public static ConfigFile read(Path path, String source, Set<String> keys) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + path + " (" + source + ") does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + path + " (" + source + ") cannot be read: permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file " + path + " (" + source + ") is not UTF-8 text");
        } catch (IOException e) {
            String reason = Files.isDirectory(path) ? "it is a folder" : e.toString();
            throw new ConfigException("config file " + path + " (" + source + ") cannot be read: " + reason);
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip(); // a byte-order mark some editors write
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw new ConfigException(path + " line " + number + ": '" + abbreviate(line)
                        + "' is not a setting; write key = value, like cache-max = 20g");
            }
            String key = line.substring(0, equals).strip();
            String value = line.substring(equals + 1).strip();
            if (!keys.contains(key)) {
                throw new ConfigException(path + " line " + number + ": unknown key '" + abbreviate(key)
                        + "'; did you mean " + nearest(key, keys) + " (--" + nearest(key, keys) + ")?");
            }
            Setting earlier = settings.putIfAbsent(key, new Setting(value, number));
            if (earlier != null) {
                throw new ConfigException(path + " line " + number + ": " + key + " is already set on line "
                        + earlier.line() + "; keep one of them");
            }
        }
        return new ConfigFile(path, Map.copyOf(settings));
    }

    /** The value of a key as written in the file, if the file sets it. */
    public Optional<String> value(String key) {
        return Optional.ofNullable(settings.get(key)).map(Setting::value);
    }

    public Path path() {
        return path;
    }

    /** The configuration key of a long option: {@code --cache-max} → {@code cache-max}. */
    public static String keyFor(String longOption) {
        return longOption.replaceFirst("^-+", "");
    }

    /** The candidate closest to {@code wanted} by edit distance (ties: the alphabetically first). */
    static String nearest(String wanted, Collection<String> candidates) {
        return candidates.stream()
                .min(Comparator.<String>comparingInt(candidate -> editDistance(wanted, candidate))
                        .thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
