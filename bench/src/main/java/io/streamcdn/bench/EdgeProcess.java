package io.streamcdn.bench;

import io.streamcdn.edge.EdgeServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The streamcdn edge as its own JVM, started the way an operator runs it ({@code EdgeServer.main} with
 * flags), on 127.0.0.1 with its defaults (one event loop per core). A separate process keeps the
 * benchmark driver's threads, heap and GC out of the edge's JVM, as nginx's are out of nginx.
 * <p>
 * The classpath is the folder of jars the edge came from (bench/target/lib, which holds the edge and all
 * its dependencies but not the bench jar), so the edge logs with its own logback configuration. Its log
 * level is WARN unless {@code accessLog}: nginx runs with {@code access_log off} unless asked too.
 */
final class EdgeProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private EdgeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts an edge in front of {@code origin} with its cache in {@code workDir/cache} and its output in
     * {@code workDir/edge.log}; {@code jvmFlags} go before the main class.
     */
    static EdgeProcess start(Path workDir, URI origin, List<String> jvmFlags, boolean accessLog)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath(), EdgeServer.class.getName(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--origin", origin.toString(),
                "--cache-dir", workDir.resolve("cache").toString(), "--cache-max", "10g", "--prefetch", "0",
                "--name", "edge-bench"));
        Path log = workDir.resolve("edge.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("STREAMCDN_LOG_LEVEL", accessLog ? "INFO" : "WARN");
        EdgeProcess edge = new EdgeProcess(builder.start(), port, log);
        edge.awaitListening(Duration.ofSeconds(60));
        return edge;
    }

    int port() {
        return port;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The edge process's id, for reading its CPU time. */
    long pid() {
        return process.pid();
    }

    private static String classpath() {
        try {
            Path source = Path.of(EdgeServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(source)) {
                return source.getParent().resolve("*").toString();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through: run with the driver's own classpath
        }
        return System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the edge exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IOException("the edge did not listen on 127.0.0.1:" + port + " within " + timeout + "; see " + log);
    }

    /** SIGTERM: the edge stops gracefully (its shutdown hook); killed if it has not within 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
