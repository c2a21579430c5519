package io.streamcdn.dist;

import io.streamcdn.common.Version;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive {@code mvn package} makes, unpacked and used as an operator on another machine would: the launcher
 * runs roles with a Java runtime and nothing else on the PATH (no Maven, no checkout), each role's classpath is
 * complete and the edge's and router's hold no FFmpeg, and the systemd units are valid.
 */
class DistributionTest {

    private static final String VERSION = System.getProperty("streamcdn.version");
    private static final Path ARCHIVE = Path.of(System.getProperty("streamcdn.archive"));

    @TempDir
    static Path unpacked;
    static Path home;
    /** A PATH holding only what the launcher may use: bash, dirname, readlink and java. */
    static Path path;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).isRegularFile();
        Run tar = run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", unpacked.toString()), Map.of());
        assertThat(tar.status()).as(tar.output()).isZero();
        home = unpacked.resolve("streamcdn-" + VERSION);
        path = Files.createDirectories(unpacked.resolve("path"));
        for (String tool : List.of("bash", "dirname", "readlink")) {
            Files.createSymbolicLink(path.resolve(tool), which(tool));
        }
        Files.createSymbolicLink(path.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    @Test
    void theArchiveHoldsTheLauncherTheRolesTheConfigsTheUnitsAndTheLicence() throws IOException {
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/streamcdn"))).contains(PosixFilePermission.OWNER_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE);
        for (String role : List.of("origin", "edge", "router")) {
            assertThat(home.resolve("lib/" + role + "/streamcdn-" + role + "-" + VERSION + ".jar")).isRegularFile();
            assertThat(home.resolve("config/" + role + ".conf")).isRegularFile();
            assertThat(home.resolve("systemd/streamcdn-" + role + ".service")).isRegularFile();
        }
        assertThat(home.resolve("LICENSE")).content().contains("GNU GENERAL PUBLIC LICENSE", "Version 2");
        assertThat(home.resolve("NOTICE")).content().contains("streamcdn " + VERSION, "libx264", "GNU GPL");
    }

    @Test
    void theLauncherRunsARolesHelpWithOnlyJavaOnThePath() throws Exception {
        Run help = launcher("edge", "--help");

        assertThat(help.status()).as(help.output()).isZero();
        assertThat(help.output()).contains("Usage: edge", "--cache-max", "STREAMCDN_EDGE_CACHE_MAX", "--config")
                .containsPattern("--cache-max\\s+STREAMCDN_EDGE_CACHE_MAX\\s+(key: )?cache-max");
    }

    @Test
    void theLauncherAnswersVersionWithTheProjectVersionAndTheBuildCommit() throws Exception {
        Run version = launcher("--version");

        assertThat(version.status()).as(version.output()).isZero();
        assertThat(version.output().strip()).isEqualTo(Version.describe()).startsWith("streamcdn " + VERSION);
    }

    @Test
    void anUnknownRoleIsRefused() throws Exception {
        Run unknown = launcher("cache");

        assertThat(unknown.status()).as(unknown.output()).isEqualTo(2);
        assertThat(unknown.output()).contains("unknown role 'cache'", "Usage: streamcdn <role>");
    }

    /** Each role's classpath is its jar plus what its manifest names: all present; FFmpeg only in the origin's. */
    @ParameterizedTest
    @ValueSource(strings = {"origin", "edge", "router"})
    void eachRolesClasspathIsCompleteAndOnlyTheOriginsHoldsFfmpeg(String role) throws IOException {
        Path jar = home.resolve("lib/" + role + "/streamcdn-" + role + "-" + VERSION + ".jar");
        List<String> classpath;
        try (JarFile file = new JarFile(jar.toFile())) {
            classpath = Arrays.asList(file.getManifest().getMainAttributes().getValue("Class-Path").split(" "));
        }
        for (String entry : classpath) {
            assertThat(jar.resolveSibling(entry)).as(role + " classpath entry").isRegularFile();
        }
        try (Stream<Path> folder = Files.list(jar.resolveSibling("lib"))) {
            assertThat(folder.map(p -> "lib/" + p.getFileName())).as("every jar in the folder is on the classpath")
                    .containsExactlyInAnyOrderElementsOf(classpath);
        }
        boolean media = classpath.stream().anyMatch(name -> name.matches(".*(javacv|javacpp|ffmpeg|libav|streamcdn-media).*"));
        assertThat(media).as(role + " has FFmpeg/JavaCV on its classpath").isEqualTo(role.equals("origin"));
    }

    @Test
    void aRouterStartedFromTheArchiveWithItsExampleConfigServesAndExits0OnSigterm() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = unpacked.resolve("router.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/streamcdn").toString(), "router",
                "--config", home.resolve("config/router.conf").toString(), "--host", "127.0.0.1", "--port", "" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PATH", path.toString());
        Process router = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            HttpResponse<String> health = null;
            while (health == null) {
                assertThat(router.isAlive()).as(Files.readString(log)).isTrue();
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (ConnectException notYet) {
                    assertThat(System.nanoTime()).as("listening within 60 s: " + Files.readString(log)).isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            assertThat(health.statusCode()).isEqualTo(200);
            // The example's settings arrived: its default location, its 500 km tolerance.
            assertThat(Files.readString(log)).contains("default-location=52.37,4.89", "tolerance-km=500");

            router.toHandle().destroy(); // SIGTERM, as systemctl stop
            assertThat(router.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(router.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("stopping router (SIGTERM)", "router stopped");
        } finally {
            router.destroyForcibly();
        }
    }

    /**
     * {@code systemd-analyze verify} on the three units, their ExecStart pointed at this unpacked archive (it checks
     * that the program exists). Debian's {@code systemd} package has it; on a machine without it the check cannot
     * run, and the test says so in its output rather than pretending.
     */
    @Test
    void theSystemdUnitsPassSystemdAnalyzeVerifyWhenItIsInstalled() throws Exception {
        Path analyze = which("systemd-analyze");
        Path units = Files.createDirectories(unpacked.resolve("units"));
        List<String> command = new ArrayList<>(List.of(analyze == null ? "systemd-analyze" : analyze.toString(), "verify"));
        for (String role : List.of("origin", "edge", "router")) {
            String unit = Files.readString(home.resolve("systemd/streamcdn-" + role + ".service"));
            for (String setting : List.of("User=streamcdn", "EnvironmentFile=-/etc/streamcdn/" + role + ".env",
                    "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                    "CapabilityBoundingSet=\n", "ReadWritePaths=/var/lib/streamcdn/", "KillSignal=SIGTERM")) {
                assertThat(unit).as(role + " unit").contains(setting);
            }
            Path copy = units.resolve("streamcdn-" + role + ".service");
            Files.writeString(copy, unit.replace("/opt/streamcdn/bin/streamcdn", home.resolve("bin/streamcdn").toString()));
            command.add(copy.toString());
        }
        if (analyze == null) {
            System.out.println("SKIPPED CHECK: systemd-analyze is not installed (Debian package systemd); the units were "
                    + "checked for their settings only");
            return;
        }
        Run verify = run(command, Map.of("SYSTEMD_LOG_COLOR", "0"));
        assertThat(verify.status()).as(verify.output()).isZero();
        assertThat(verify.output()).as("systemd-analyze's complaints").doesNotContainIgnoringCase("unknown")
                .doesNotContainIgnoringCase("failed").doesNotContainIgnoringCase("invalid");
    }

    private static Run launcher(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/streamcdn").toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("PATH", path.toString()));
    }

    private record Run(int status, String output) {
    }

    private static Run run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_HOME");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(command + " ended").isTrue();
        return new Run(process.exitValue(), output);
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
