package io.streamcdn.bench;

import io.streamcdn.edge.EdgeServer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The streamcdn edge as its own JVM ({@link RoleProcess}): {@code EdgeServer.main} on 127.0.0.1 with its
 * defaults (one event loop per core), in front of {@code origin}, its cache in {@code workDir/cache}, no
 * prefetching. Its log level is WARN unless {@code accessLog}: nginx runs with {@code access_log off}
 * unless asked too.
 */
final class EdgeProcess implements AutoCloseable {

    private final RoleProcess process;

    private EdgeProcess(RoleProcess process) {
        this.process = process;
    }

    /** Starts an edge; {@code jvmFlags} go before the main class; its output goes to {@code workDir/edge.log}. */
    static EdgeProcess start(Path workDir, URI origin, List<String> jvmFlags, boolean accessLog)
            throws IOException, InterruptedException {
        int port = RoleProcess.freePort();
        return new EdgeProcess(RoleProcess.start("edge", workDir, EdgeServer.class, port, jvmFlags,
                List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--origin", origin.toString(),
                        "--cache-dir", workDir.resolve("cache").toString(), "--cache-max", "10g", "--prefetch", "0",
                        "--name", "edge-bench"),
                accessLog ? "INFO" : "WARN"));
    }

    int port() {
        return process.port();
    }

    String url(String path) {
        return process.url(path);
    }

    /** The edge process's id, for reading its CPU time. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
