package io.streamcdn.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's nginx as a benchmark reference, run privately: its own prefix folder, a generated config, on
 * 127.0.0.1 only, in the foreground as a child process that is stopped with the benchmark.
 */
final class Nginx implements AutoCloseable {

    private final Process process;
    private final int port;

    private Nginx(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts nginx with {@code serverBlock} (the body of one {@code server {}} block, which must listen on
     * {@code 127.0.0.1:port}) and {@code httpExtras} (directives for the http block, e.g. a proxy_cache_path).
     */
    static Nginx start(Path prefix, int port, String httpExtras, String serverBlock) throws IOException, InterruptedException {
        Files.createDirectories(prefix.resolve("logs"));
        String conf = """
                %s
                worker_processes auto;
                error_log %s/logs/error.log warn;
                pid %s/logs/nginx.pid;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  sendfile on;
                  tcp_nopush on;
                  keepalive_requests 100000;
                  default_type application/octet-stream;
                  client_body_temp_path %s/tmp/body;
                  proxy_temp_path %s/tmp/proxy;
                  fastcgi_temp_path %s/tmp/fastcgi;
                  uwsgi_temp_path %s/tmp/uwsgi;
                  scgi_temp_path %s/tmp/scgi;
                  %s
                  server {
                    listen 127.0.0.1:%d;
                    %s
                  }
                }
                """.formatted(workerUser(), prefix, prefix, prefix, prefix, prefix, prefix, prefix, httpExtras, port, serverBlock);
        Files.createDirectories(prefix.resolve("tmp"));
        Path confFile = Files.writeString(prefix.resolve("nginx.conf"), conf);
        Process process = new ProcessBuilder(List.of("nginx", "-p", prefix.toString(), "-c", confFile.toString(),
                "-g", "daemon off;")).redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                .start();
        Nginx nginx = new Nginx(process, port);
        nginx.awaitListening(Duration.ofSeconds(10));
        return nginx;
    }

    /**
     * Started as root, nginx's workers would switch to {@code nobody}, who cannot read the benchmark's
     * private (0700) temporary folders; keep them as the user we are.
     */
    private static String workerUser() {
        return "root".equals(System.getProperty("user.name")) ? "user root;" : "";
    }

    /** The master's process id; its workers are its children. */
    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    private void awaitListening(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + " (see its logs folder)");
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nginx did not listen on 127.0.0.1:" + port + " within " + timeout);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
