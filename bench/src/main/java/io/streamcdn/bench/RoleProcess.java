package io.streamcdn.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A streamcdn role (edge, router) as its own JVM, started the way an operator runs it (the role's
 * {@code main} with flags) on 127.0.0.1, with the JVM's defaults unless told otherwise. A separate process
 * keeps the benchmark driver's threads, heap and GC out of the role's JVM, as nginx's are out of nginx.
 * <p>
 * The classpath is the folder of jars the role came from (bench/target/lib, which holds every role and all
 * their dependencies but not the bench jar), so the role logs with its own logback configuration, at the
 * level given ({@code STREAMCDN_LOG_LEVEL}, and the same for the request lines, {@code STREAMCDN_ACCESS_LOG_LEVEL}):
 * WARN means no access log, as nginx's {@code access_log off}.
 */
public final class RoleProcess implements AutoCloseable {

    private final String role;
    private final Process process;
    private final int port;
    private final Path log;

    private RoleProcess(String role, Process process, int port, Path log) {
        this.role = role;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} with {@code jvmFlags} before it and {@code flags} after it, its output in
     * {@code workDir/<role>.log}, and waits until it listens on 127.0.0.1:{@code port} (which the flags
     * must tell it to use).
     */
    public static RoleProcess start(String role, Path workDir, Class<?> mainClass, int port, List<String> jvmFlags,
                             List<String> flags, String logLevel) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath(mainClass), mainClass.getName()));
        command.addAll(flags);
        Path log = workDir.resolve(role + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("STREAMCDN_LOG_LEVEL", logLevel);
        builder.environment().put("STREAMCDN_ACCESS_LOG_LEVEL", logLevel);
        RoleProcess started = new RoleProcess(role, builder.start(), port, log);
        started.awaitListening(Duration.ofSeconds(60));
        return started;
    }

    public int port() {
        return port;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The process's id, for reading its CPU time. */
    long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    private static String classpath(Class<?> mainClass) {
        try {
            Path source = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                return source.getParent().resolve("*").toString();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through: run with the driver's own classpath
        }
        return System.getProperty("java.class.path");
    }

    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the " + role + " exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("the " + role + " did not listen on 127.0.0.1:" + port + " within " + timeout + "; see " + log);
    }

    /** SIGTERM: the role stops gracefully (its shutdown hook); killed if it has not within 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
