package io.streamcdn.common;

import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * The options every long-running role has, mixed into its command with {@code @Mixin RoleOptions options;}:
 * where its configuration file is, and how long a stop may wait for requests in flight.
 */
public final class RoleOptions {

    public static final String DEFAULT_SHUTDOWN_GRACE = "10s";
    /** A stop that lets nothing finish would cut every download in flight; a stop of hours is not a stop. */
    static final Duration MAX_SHUTDOWN_GRACE = Duration.ofHours(1);

    @Option(names = EnvironmentDefaults.CONFIG_OPTION, paramLabel = "FILE",
            description = "Configuration file: one 'key = value' per line, the keys being the flags without their "
                    + "dashes (cache-max = 20g). Flags and environment variables win over it. "
                    + "Env: STREAMCDN_<ROLE>_CONFIG")
    String config;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = DEFAULT_SHUTDOWN_GRACE,
            description = "On SIGTERM the role stops accepting connections and lets requests in flight finish for at "
                    + "most this long before closing them. Default: ${DEFAULT-VALUE}. Env: STREAMCDN_<ROLE>_SHUTDOWN_GRACE")
    String shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

    /** {@code --shutdown-grace}, checked: 0 to 1 h. */
    public Duration shutdownGrace() {
        Duration grace = DurationText.forFlag("--shutdown-grace", shutdownGrace);
        ConfigException.require(grace.compareTo(MAX_SHUTDOWN_GRACE) <= 0,
                "--shutdown-grace %s is too long; use at most 1h", shutdownGrace);
        return grace;
    }
}
