package io.streamcdn.common;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a running role learns that it must stop. SIGTERM (systemd, {@code kill}, container runtimes) and SIGINT
 * (Ctrl-C) are caught, so the role stops gracefully on its main thread and the process exits 0, as a service
 * manager expects of a clean stop. Left to the JVM, those signals would run the shutdown hooks and exit with
 * 128 + the signal's number (143 for SIGTERM), which systemd counts as a failure.
 *
 * <p>Signals belong to the process, so there is one of these per JVM ({@link #process()}), installed when a role
 * starts its server ({@link RoleCommand#start}): a SIGTERM that arrives while the server is still starting is kept,
 * and the role stops as soon as it runs. {@code sun.misc.Signal} is the JDK's supported way to catch signals
 * (module {@code jdk.unsupported}, kept on purpose by JEP 260); javac warns about it all the same. Where a signal
 * cannot be caught (a JVM started with {@code -Xrs}), and for any other way the JVM is made to exit, a shutdown hook
 * asks for the same stop and waits for a running role to finish it, as the roles always did.
 */
final class StopSignal {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile String cause = "";

    private StopSignal() {
    }

    /** Class initialisation installs the handlers once, whichever thread asks first. */
    private static final class Holder {
        static final StopSignal PROCESS = install();
    }

    /** This JVM's stop signal; the first call catches SIGTERM and SIGINT and registers the shutdown hook. */
    static StopSignal process() {
        return Holder.PROCESS;
    }

    private static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> stop.request("SIG" + signal.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.debug("SIG{} cannot be caught ({}); it stops the role through the JVM's shutdown hook", name, e);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.request("JVM shutdown");
            if (stop.running.get()) {
                try {
                    stop.stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "streamcdn-shutdown"));
        return stop;
    }

    private synchronized void request(String why) {
        if (requested.getCount() > 0) {
            cause = why;
            requested.countDown();
        }
    }

    /**
     * Blocks until a stop is asked for (at once if it already was); returns what asked ({@code SIGTERM},
     * {@code SIGINT}, {@code JVM shutdown}). From now on a JVM shutdown waits for {@link #stopped()}.
     */
    String await() throws InterruptedException {
        running.set(true);
        requested.await();
        return cause;
    }

    /** The role has stopped (cleanly or not): a JVM shutdown waiting for it may proceed. */
    void stopped() {
        stopped.countDown();
    }
}
