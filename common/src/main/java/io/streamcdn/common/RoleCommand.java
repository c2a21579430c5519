package io.streamcdn.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs a role's picocli command the same way for every role: options from flags, then
 * {@code STREAMCDN_<ROLE>_*} environment variables, then defaults; a bad value prints one clear line
 * and exits with status 2; {@code --help} lists each option with its environment variable.
 */
public final class RoleCommand {

    public static final int EXIT_BAD_CONFIG = 2;

    private static final Logger LOG = LoggerFactory.getLogger(RoleCommand.class);

    private RoleCommand() {
    }

    public static CommandLine commandLine(String role, Callable<Integer> command, Map<String, String> environment) {
        CommandLine cli = new CommandLine(command);
        cli.setDefaultValueProvider(new EnvironmentDefaults(role, environment));
        cli.setUsageHelpLongOptionsMaxWidth(28);
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
            c.getErr().println("streamcdn " + role + ": " + ex.getMessage());
            c.getErr().println("Run 'streamcdn " + role + " --help' for the options.");
            return EXIT_BAD_CONFIG;
        });
        return cli;
    }

    /** Parses, validates and runs; returns the process exit code. Long-running roles block in {@code call()}. */
    public static int run(String role, Callable<Integer> command, String[] args) {
        return commandLine(role, command, System.getenv()).execute(args);
    }
}
