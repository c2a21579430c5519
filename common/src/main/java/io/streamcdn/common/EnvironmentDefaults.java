package io.streamcdn.common;

import picocli.CommandLine;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Where a role's options come from when no flag gives them: {@code --max-upload} of the {@code origin} role reads
 * {@code STREAMCDN_ORIGIN_MAX_UPLOAD}, then the key {@code max-upload} of the role's configuration file
 * ({@code --config FILE}, or {@code STREAMCDN_ORIGIN_CONFIG}; see {@link ConfigFile}), then the option's built-in
 * default. So: flag &gt; environment &gt; file &gt; default.
 *
 * <p>Picocli asks a default provider only for the options the command line did not match, after it has parsed
 * every argument; so {@code --config} given anywhere on the command line is already known here. A command without
 * a {@code --config} option (the demo) has no file layer.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    /** The option that names a role's configuration file ({@link RoleOptions}). */
    public static final String CONFIG_OPTION = "--config";

    private final String role;
    private final Map<String, String> environment;
    /** Files read so far, by path: picocli asks once per option, the file is read and checked once. */
    private final Map<Path, ConfigFile> files = new ConcurrentHashMap<>();

    public EnvironmentDefaults(String role, Map<String, String> environment) {
        this.role = role;
        this.environment = Map.copyOf(environment);
    }

    /** The environment variable that sets a long option, e.g. {@code STREAMCDN_ORIGIN_PORT} for {@code --port}. */
    public static String variableFor(String role, String longOption) {
        String name = longOption.replaceFirst("^-+", "").replace('-', '_');
        return ("STREAMCDN_" + role + "_" + name).toUpperCase(Locale.ROOT);
    }

    /** The options a configuration file may set: every long option but help, version and {@code --config} itself. */
    public static boolean isSetting(CommandLine.Model.OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !CONFIG_OPTION.equals(option.longestName())
                && option.longestName().startsWith("--");
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = environment.get(variableFor(role, option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
            if (isSetting(option) && option.command() != null) {
                ConfigFile file = configFile(option.command());
                if (file != null) {
                    String configured = file.value(ConfigFile.keyFor(option.longestName())).orElse(null);
                    if (configured != null) {
                        return configured;
                    }
                }
            }
        }
        return argSpec.defaultValue();
    }

    /**
     * The configuration file the command line or the environment names, read and checked; null when none is named.
     * Also reports a broken file when every setting came from flags (called once before the role runs).
     */
    public ConfigFile configFile(CommandLine.Model.CommandSpec command) {
        CommandLine.Model.OptionSpec configOption = command.findOption(CONFIG_OPTION);
        if (configOption == null) {
            return null;
        }
        // The option holds the flag's value, or the variable's once picocli has applied its default.
        Object given = configOption.getValue();
        String variable = variableFor(role, CONFIG_OPTION);
        String fromEnvironment = environment.getOrDefault(variable, "");
        String name = given == null || given.toString().isBlank() ? fromEnvironment : given.toString();
        String source = name.equals(fromEnvironment) ? variable : CONFIG_OPTION;
        if (name.isBlank()) {
            return null;
        }
        String namedBy = source;
        Set<String> keys = command.options().stream().filter(EnvironmentDefaults::isSetting)
                .map(o -> ConfigFile.keyFor(o.longestName())).collect(Collectors.toUnmodifiableSet());
        return files.computeIfAbsent(Path.of(name.strip()), path -> ConfigFile.read(path, namedBy, keys));
    }
}
