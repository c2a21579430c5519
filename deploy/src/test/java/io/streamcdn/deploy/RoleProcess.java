package io.streamcdn.deploy;

import io.streamcdn.edge.EdgeServer;
import io.streamcdn.origin.OriginServer;
import io.streamcdn.router.RouterServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A role run as an operator runs it: its {@code main} in a JVM of its own, on 127.0.0.1 and a free port, with the
 * test classpath; its output (standard output and error together) kept line by line. {@link #terminate()} sends
 * SIGTERM, as systemd's stop does.
 */
final class RoleProcess implements AutoCloseable {

    private static final Map<String, Class<?>> MAINS = Map.of(
            "origin", OriginServer.class, "edge", EdgeServer.class, "router", RouterServer.class);

    private final String role;
    private final Process process;
    private final int port;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread reader;

    private RoleProcess(String role, Process process, int port) {
        this.role = role;
        this.process = process;
        this.port = port;
        reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, role + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the role with {@code --host 127.0.0.1 --port <free>} and {@code flags}; returns once it answers HTTP. */
    static RoleProcess start(String role, List<String> flags) throws Exception {
        return start(role, freePort(), flags);
    }

    static RoleProcess start(String role, int port, List<String> flags) throws Exception {
        // The test classpath holds the role jars, whose manifests add their lib/ folders: logback then finds its
        // logback.xml several times and prints a status report that a role started with `java -jar` never shows.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), MAINS.get(role).getName(),
                "--host", "127.0.0.1", "--port", Integer.toString(port)));
        command.addAll(flags);
        RoleProcess started = new RoleProcess(role, new ProcessBuilder(command).redirectErrorStream(true).start(), port);
        started.awaitListening();
        return started;
    }

    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /**
     * Sends SIGTERM. Through the process handle: {@link Process#destroy()} sends the same signal but also closes
     * this side of the role's output pipe, so everything the role logs while it stops would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit, and for its last lines of output; its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(role + " did not exit within " + timeout + " of SIGTERM: " + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Waits (60 s at most) for a line of output matching {@code wanted}. */
    String awaitLine(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line from " + role + " within 60 s: " + output());
    }

    /**
     * Until {@code /health} answers (120 s at most). Each try may take 10 s: on a loaded machine a new JVM answers
     * its first requests slowly, and a try abandoned early only queues one more request behind it.
     */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError(role + " exited with status " + process.exitValue() + ": " + output());
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create(url("/health"))).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(role + " did not listen within 120 s: " + output());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Kills the process if a test left it running (a failed assertion). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
