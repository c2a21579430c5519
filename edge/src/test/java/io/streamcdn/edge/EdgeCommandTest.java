package io.streamcdn.edge;

import io.streamcdn.common.RoleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code streamcdn edge} as an operator meets it: flags, environment variables, and what a mistake prints. */
class EdgeCommandTest {

    private record Run(int exitCode, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), environment);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    private static EdgeConfig parse(Map<String, String> environment, String... args) {
        EdgeCommand command = new EdgeCommand();
        RoleCommand.commandLine("edge", command, environment).parseArgs(args);
        return command.config();
    }

    @Test
    void theDefaultsDescribeALocalEdgeInFrontOfALocalOrigin() {
        EdgeConfig config = parse(Map.of(), "--name", "edge-1");

        assertThat(config.port()).isEqualTo(8081);
        assertThat(config.origin()).hasToString("http://127.0.0.1:8080");
        assertThat(config.parent()).isEmpty();
        assertThat(config.cacheMaxBytes()).isEqualTo(10L << 30);
        assertThat(config.staleIfError()).isEqualTo(Duration.ofHours(1));
        assertThat(config.prefetch()).isEqualTo(2);
        assertThat(config.router()).isEmpty();
        assertThat(config.tls()).isEmpty();
        assertThat(config.describe()).contains("cache-max=10.0 GiB", "stale-if-error=1h", "name=edge-1");
    }

    @Test
    void flagsAndEnvironmentVariablesSetEverySetting() {
        EdgeConfig config = parse(Map.of("STREAMCDN_EDGE_CACHE_MAX", "500m", "STREAMCDN_EDGE_LOCATION", "52.37,4.89"),
                "--port", "9000", "--origin", "http://origin.example:8080/", "--parent", "http://mid.example:8081",
                "--cache-dir", "/tmp/x", "--stale-if-error", "30m", "--prefetch", "0", "--router",
                "http://router.example:8090", "--name", "edge-eu-1", "--public-url", "https://edge1.example.com/",
                "--capacity-mbps", "400");

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.origin()).hasToString("http://origin.example:8080");
        assertThat(config.upstream()).hasToString("http://mid.example:8081");
        assertThat(config.cacheMaxBytes()).isEqualTo(500L << 20);
        assertThat(config.staleIfError()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.prefetch()).isZero();
        assertThat(config.publicUrl()).isEqualTo("https://edge1.example.com");
        assertThat(config.location()).hasValueSatisfying(p -> assertThat(p.latitude()).isEqualTo(52.37));
        assertThat(config.capacityMbps()).isEqualTo(400);
    }

    @Test
    void aFlagWinsOverItsEnvironmentVariable() {
        EdgeConfig config = parse(Map.of("STREAMCDN_EDGE_PORT", "7000"), "--port", "7001", "--name", "e");

        assertThat(config.port()).isEqualTo(7001);
    }

    @Test
    void badValuesExitWith2AndOneLineNamingTheFlag() {
        assertThat(run(Map.of(), "--origin", "ftp://x").err().lines().findFirst().orElseThrow())
                .startsWith("streamcdn edge: --origin 'ftp://x' is not a usable URL");
        assertThat(run(Map.of(), "--cache-max", "lots").err()).contains("--cache-max", "'lots' is not a size");
        assertThat(run(Map.of(), "--cache-max", "10k").err()).contains("--cache-max", "too small");
        assertThat(run(Map.of(), "--prefetch", "99").err()).contains("--prefetch 99 is outside 0..8");
        assertThat(run(Map.of(), "--stale-if-error", "forever").err()).contains("--stale-if-error", "like 500ms");
        assertThat(run(Map.of(), "--location", "north").err()).contains("--location", "LAT,LON");
        assertThat(run(Map.of(), "--name", "bad name!").err()).contains("--name 'bad name!'");
        assertThat(run(Map.of(), "--cors-origins", "example.com/page").err()).contains("--cors-origins", "not a web origin");
        Run missingKey = run(Map.of(), "--tls-cert", "/etc/hostname");
        assertThat(missingKey.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(missingKey.err()).contains("--tls-cert and --tls-key go together");
        assertThat(missingKey.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aRouterNeedsAPublicUrlUnlessTheHostIsConcrete() {
        Run wildcard = run(Map.of(), "--router", "http://router:8090");
        EdgeConfig concrete = parse(Map.of(), "--router", "http://router:8090", "--host", "127.0.0.1", "--port", "8085");

        assertThat(wildcard.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(wildcard.err()).contains("--router needs --public-url");
        assertThat(concrete.publicUrl()).isEqualTo("http://127.0.0.1:8085");
    }

    @Test
    void unreadableTlsFilesAreRefusedAtStart(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Run run = run(Map.of(), "--tls-cert", cert.toString(), "--tls-key", dir.resolve("missing.pem").toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err()).contains("--tls-key", "cannot be read");
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariable() {
        StringWriter out = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.execute("--help");

        for (String flag : new String[]{"--origin", "--parent", "--cache-dir", "--cache-max", "--stale-if-error",
                "--prefetch", "--router", "--name", "--public-url", "--location", "--tls-cert", "--tls-key"}) {
            assertThat(out.toString()).contains(flag)
                    .contains(io.streamcdn.common.EnvironmentDefaults.variableFor("edge", flag));
        }
    }
}
