package io.streamcdn.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import io.vertx.core.Future;

import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a role's picocli command the same way for every role: options from flags, then
 * {@code STREAMCDN_<ROLE>_*} environment variables, then the role's configuration file, then defaults
 * ({@link EnvironmentDefaults}); a bad value or a bad file prints one clear line and exits with status 2;
 * {@code --help} lists each option with its environment variable and configuration key.
 */
public final class RoleCommand {

    public static final int EXIT_BAD_CONFIG = 2;
    /** How long a stopping role may take to finish in-flight work, when its command gives no grace period. */
    static final long STOP_TIMEOUT_SECONDS = 30;
    /**
     * What a stop may take beyond the grace period given to requests in flight: an edge's goodbye to its router
     * (at most about 4 s), an origin putting its running encodes back in the queue, closing Vert.x.
     */
    static final Duration STOP_MARGIN = Duration.ofSeconds(20);

    private static final Logger LOG = LoggerFactory.getLogger(RoleCommand.class);

    private RoleCommand() {
    }

    public static CommandLine commandLine(String role, Callable<Integer> command, Map<String, String> environment) {
        CommandLine cli = new CommandLine(command);
        EnvironmentDefaults defaults = new EnvironmentDefaults(role, environment);
        cli.setDefaultValueProvider(defaults);
        cli.setUsageHelpLongOptionsMaxWidth(28);
        appendSettingsTable(cli, role);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                commandLine.getErr().println("streamcdn " + role + ": " + ex.getMessage());
                return EXIT_BAD_CONFIG;
            }
            LOG.error("{} failed to start: {}", role, ex.toString(), ex);
            return 1;
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            if (ex.getCause() instanceof ConfigException bad) {
                // A broken configuration file, found while picocli asked for defaults: the line says it all.
                c.getErr().println("streamcdn " + role + ": " + bad.getMessage());
                return EXIT_BAD_CONFIG;
            }
            c.getErr().println("streamcdn " + role + ": " + ex.getMessage());
            c.getErr().println("Run 'streamcdn " + role + " --help' for the options.");
            return EXIT_BAD_CONFIG;
        });
        // Picocli asks for defaults only for options not given as flags; when every setting came as a flag, the
        // file is still read, so a broken one is never ignored.
        CommandLine.IExecutionStrategy execute = cli.getExecutionStrategy();
        cli.setExecutionStrategy(parseResult -> {
            try {
                defaults.configFile(parseResult.commandSpec());
            } catch (ConfigException e) {
                throw new CommandLine.ParameterException(parseResult.commandSpec().commandLine(), e.getMessage(), e);
            }
            return execute.execute(parseResult);
        });
        return cli;
    }

    /**
     * Ends the command's {@code --help} with a table of every setting's three names: its flag, its environment
     * variable and its configuration file key. Generated from the options when the help is printed, so a new flag
     * is listed by itself. When the rows are too wide for the help's width, each key goes on a line of its own.
     */
    static void appendSettingsTable(CommandLine cli, String role) {
        CommandLine.Model.CommandSpec spec = cli.getCommandSpec();
        if (spec.findOption(EnvironmentDefaults.CONFIG_OPTION) == null) {
            return;
        }
        String section = "streamcdnSettings";
        cli.getHelpSectionMap().put(section, help -> settingsTable(spec, role, help.commandSpec().usageMessage().width()));
        List<String> keys = new ArrayList<>(cli.getHelpSectionKeys());
        keys.add(section);
        cli.setHelpSectionKeys(keys);
    }

    static String settingsTable(CommandLine.Model.CommandSpec spec, String role, int width) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {EnvironmentDefaults.CONFIG_OPTION,
                EnvironmentDefaults.variableFor(role, EnvironmentDefaults.CONFIG_OPTION), "(names the file)"});
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            if (EnvironmentDefaults.isSetting(option)) {
                rows.add(new String[] {option.longestName(), EnvironmentDefaults.variableFor(role, option.longestName()),
                        ConfigFile.keyFor(option.longestName())});
            }
        }
        int flagWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int variableWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        int keyWidth = rows.stream().mapToInt(r -> r[2].length()).max().orElse(0);
        boolean oneLine = 2 + flagWidth + 2 + variableWidth + 2 + keyWidth <= width;
        String newline = System.lineSeparator();
        StringBuilder table = new StringBuilder(String.join(newline, "",
                "Every setting has three names: a flag, an environment variable and a key of",
                "the --config file. A flag wins over the environment, which wins over the file,",
                "which wins over the built-in default.", ""));
        for (String[] row : rows) {
            String flagAndVariable = String.format("  %-" + flagWidth + "s  %-" + variableWidth + "s", row[0], row[1]);
            if (oneLine) {
                table.append(flagAndVariable).append("  ").append(row[2]);
            } else {
                table.append(flagAndVariable.stripTrailing()).append(newline)
                        .append(" ".repeat(flagWidth + 4)).append("key: ").append(row[2]);
            }
            table.append(newline);
        }
        return table.toString();
    }

    /**
     * Starts a role's server and waits for it; a port already in use becomes a {@link ConfigException} naming the
     * address and the flags to change, any other start failure is rethrown as it was.
     */
    public static <S> S start(String host, int port, Supplier<Future<S>> starter) throws Exception {
        StopSignal.process(); // from now on SIGTERM stops the role gracefully, even while it is still starting
        try {
            return starter.get().toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BindException) {
                throw new ConfigException("cannot listen on " + host + ":" + port + " (" + e.getCause().getMessage()
                        + "); pick another --port or --host");
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Blocks until the JVM is asked to stop (SIGTERM, SIGINT), then stops the role with {@code close}, waiting
     * at most {@value #STOP_TIMEOUT_SECONDS} s for it. Roles that take {@code --shutdown-grace} use
     * {@link #runUntilStopped(String, Duration, Function)}.
     */
    public static void runUntilStopped(String role, Supplier<Future<Void>> close) throws InterruptedException {
        runUntilStopped(role, Duration.ofSeconds(STOP_TIMEOUT_SECONDS).minus(STOP_MARGIN), grace -> close.get());
    }

    /**
     * Blocks until SIGTERM or SIGINT, then stops the role gracefully: {@code close} is given the grace period for
     * requests in flight ({@code --shutdown-grace}) and must complete within it plus {@link #STOP_MARGIN}.
     *
     * @return the exit status for the role's {@code main}: 0 when it stopped cleanly, 1 when it did not
     */
    public static int runUntilStopped(String role, Duration grace, Function<Duration, Future<Void>> close)
            throws InterruptedException {
        StopSignal signal = StopSignal.process();
        String cause = signal.await();
        LOG.info("stopping {} ({}): requests in flight get up to {} to finish", role, cause, DurationText.format(grace));
        long startedNanos = System.nanoTime();
        try {
            close.apply(grace).toCompletionStage().toCompletableFuture()
                    .get(grace.plus(STOP_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("{} stopped in {} ms", role, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
            return 0;
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{} did not stop cleanly: {}", role, e.toString());
            return 1;
        } finally {
            signal.stopped();
        }
    }

    /** Parses, validates and runs; returns the process exit code. Long-running roles block in {@code call()}. */
    public static int run(String role, Callable<Integer> command, String[] args) {
        return commandLine(role, command, System.getenv()).execute(args);
    }
}
