package io.streamcdn.common;

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

/**
 * Lets every long option be set from the environment: {@code --max-upload} of the {@code origin} role
 * reads {@code STREAMCDN_ORIGIN_MAX_UPLOAD}. Flags given on the command line win over the environment,
 * which wins over the option's built-in default.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    private final String role;
    private final Map<String, String> environment;

    public EnvironmentDefaults(String role, Map<String, String> environment) {
        this.role = role;
        this.environment = Map.copyOf(environment);
    }

    /** The environment variable that sets a long option, e.g. {@code STREAMCDN_ORIGIN_PORT} for {@code --port}. */
    public static String variableFor(String role, String longOption) {
        String name = longOption.replaceFirst("^-+", "").replace('-', '_');
        return ("STREAMCDN_" + role + "_" + name).toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = environment.get(variableFor(role, option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
