package io.streamcdn.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A role in a JVM of its own whose folder ({@code --data-dir}, {@code --cache-dir}) lies on a small disk that
 * really fills up: the role's writes fail as they would on a full disk, with the operating system's error,
 * and nothing in the role is replaced or told.
 *
 * <p>How, without root and without a mount prepared outside the build:
 * <ol>
 *   <li>preferably, a user and mount namespace of the child's own ({@code unshare --user --map-root-user
 *       --mount}, util-linux), where an unprivileged user may mount a tmpfs of a few megabytes over the folder:
 *       writes past its size fail with {@code ENOSPC}, "No space left on device", exactly as on a full disk. The
 *       mount is visible only inside the child; the test sees the folder through {@code /proc/PID/root};</li>
 *   <li>where user namespaces are disabled (some distributions, hardened CI), the child is started under
 *       {@code prlimit --fsize} (RLIMIT_FSIZE): every write that would make a file larger than the limit fails
 *       with {@code EFBIG}, "File too large" (the JVM ignores the SIGXFSZ that comes with it). That is a full
 *       disk for one file at a time rather than for the folder, which is what the tests need: a body that does
 *       not fit. The folder is then the real one.</li>
 * </ol>
 * {@link #method()} says which one ran, and the tests log it. {@code -Dstreamcdn.small-disk=file-size-limit}
 * forces the second on a machine that has the first, to check it.
 */
public final class RoleOnSmallDisk implements AutoCloseable {

    /** How the small disk is made. */
    public enum Method { TMPFS_IN_USER_NAMESPACE, FILE_SIZE_LIMIT }

    private final Process process;
    private final Path folder;
    private final Method method;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RoleOnSmallDisk(Process process, Path folder, Method method) {
        this.process = process;
        this.folder = folder;
        this.method = method;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "role-on-small-disk-output");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code main} (a role's entry class, on this JVM's classpath) with {@code args}, its {@code folder}
     * limited to {@code bytes}; returns once it answers {@code GET /health} on {@code port}.
     */
    public static RoleOnSmallDisk start(Class<?> main, Path folder, long bytes, int port, List<String> args)
            throws Exception {
        Files.createDirectories(folder);
        boolean forced = "file-size-limit".equals(System.getProperty("streamcdn.small-disk"));
        Method method = !forced && userNamespacesWork() ? Method.TMPFS_IN_USER_NAMESPACE : Method.FILE_SIZE_LIMIT;
        List<String> command = new ArrayList<>();
        if (method == Method.TMPFS_IN_USER_NAMESPACE) {
            command.addAll(List.of("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                    "mount -t tmpfs -o size=\"$1\" streamcdn-small-disk \"$2\" && shift 2 && exec \"$@\"", "sh",
                    Long.toString(bytes), folder.toString()));
        } else {
            command.addAll(List.of("prlimit", "--fsize=" + bytes));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        RoleOnSmallDisk role = new RoleOnSmallDisk(new ProcessBuilder(command).redirectErrorStream(true).start(),
                folder, method);
        try {
            role.awaitHealthy(port);
        } catch (Exception | AssertionError e) {
            role.close();
            throw e;
        }
        return role;
    }

    /** Whether this machine lets an unprivileged process mount a tmpfs in namespaces of its own. */
    static boolean userNamespacesWork() {
        try {
            Process probe = new ProcessBuilder("unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                    "mount -t tmpfs -o size=4k streamcdn-probe /tmp").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Method method() {
        return method;
    }

    /** The folder as the role sees it, read from this JVM. */
    public Path folder() {
        return method == Method.TMPFS_IN_USER_NAMESPACE
                ? Path.of("/proc", Long.toString(process.pid()), "root").resolve(folder.toString().substring(1))
                : folder;
    }

    /** Every line the role wrote so far (standard output and error). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits (30 s at most) for a line that matches; returns it. */
    public String awaitLine(Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (String line : lines) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such line within 30 s:\n" + String.join("\n", lines));
            }
            Thread.sleep(50);
        }
    }

    private void awaitHealthy(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the role exited with status " + process.exitValue() + ":\n"
                        + String.join("\n", lines));
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the role did not answer /health within 90 s:\n" + String.join("\n", lines));
            }
            Thread.sleep(100);
        }
    }

    /** Stops the role (SIGTERM, then SIGKILL after 30 s); the tmpfs goes with its namespace. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
