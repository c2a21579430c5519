package io.streamcdn.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import io.vertx.core.Future;

import java.net.BindException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs a role's picocli command the same way for every role: options from flags, then
 * {@code STREAMCDN_<ROLE>_*} environment variables, then defaults; a bad value prints one clear line
 * and exits with status 2; {@code --help} lists each option with its environment variable.
 */
public final class RoleCommand {

    public static final int EXIT_BAD_CONFIG = 2;
    /** How long a stopping role may take to finish in-flight work. */
    static final long STOP_TIMEOUT_SECONDS = 30;

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

    /**
     * Starts a role's server and waits for it; a port already in use becomes a {@link ConfigException} naming the
     * address and the flags to change, any other start failure is rethrown as it was.
     */
    public static <S> S start(String host, int port, Supplier<Future<S>> starter) throws Exception {
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
     * at most {@value #STOP_TIMEOUT_SECONDS} s for it.
     */
    public static void runUntilStopped(String role, Supplier<Future<Void>> close) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping {}", role);
            try {
                close.get().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("{} did not stop cleanly: {}", role, e.toString());
            } finally {
                stopped.countDown();
            }
        }, role + "-shutdown"));
        stopped.await();
    }

    /** Parses, validates and runs; returns the process exit code. Long-running roles block in {@code call()}. */
    public static int run(String role, Callable<Integer> command, String[] args) {
        return commandLine(role, command, System.getenv()).execute(args);
    }
}
