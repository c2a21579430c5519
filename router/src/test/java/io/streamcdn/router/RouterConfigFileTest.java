package io.streamcdn.router;

import io.streamcdn.common.EnvironmentDefaults;
import io.streamcdn.common.RoleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code streamcdn router --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line.
 */
class RouterConfigFileTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("router", new RouterCommand(), environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private static RouterConfig parse(Map<String, String> environment, String... args) {
        RouterCommand command = new RouterCommand();
        RoleCommand.commandLine("router", command, environment).parseArgs(args);
        return command.config();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("router.conf"), """
                tolerance-km = 250
                max-load = 0.5
                health-interval = 7s
                """);

        RouterConfig config = parse(Map.of("STREAMCDN_ROUTER_MAX_LOAD", "0.6", "STREAMCDN_ROUTER_HEALTH_INTERVAL", "8s"), "--config", file.toString(), "--health-interval", "9s");

        assertThat(config.healthInterval()).as("flag").isEqualTo(java.time.Duration.ofSeconds(9));
        assertThat(config.maxLoad()).as("environment").isEqualTo(0.6);
        assertThat(config.toleranceKm()).as("file").isEqualTo(250);
        assertThat(config.port()).as("default").isEqualTo(RouterConfig.DEFAULT_PORT);
    }

    /** The example an operator starts from: every key real, every value accepted. */
    @Test
    void theShippedExampleConfigIsValid() {
        Path example = Path.of("").toAbsolutePath().resolveSibling("deploy").resolve("config").resolve("router.conf");

        RouterConfig config = parse(Map.of(), "--config", example.toString());

        assertThat(config.port()).isEqualTo(RouterConfig.DEFAULT_PORT);
    }

    @Test
    void theEnvironmentVariableNamesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("router.conf"), "port = 9393\n");

        assertThat(parse(Map.of("STREAMCDN_ROUTER_CONFIG", file.toString())).port()).isEqualTo(9393);
    }

    @Test
    void anUnknownKeyStopsTheRoleWithOneLineNamingTheNearestFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("router.conf"), "# router\nport = 9393\ngeo-ip = 1\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn router: " + file
                + " line 3: unknown key 'geo-ip'; did you mean geoip (--geoip)?");
    }

    @Test
    void anUnreadableFileStopsTheRoleWithOneLine() {
        Path missing = dir.resolve("missing.conf");

        Run run = run(Map.of("STREAMCDN_ROUTER_CONFIG", missing.toString()));

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn router: config file " + missing
                + " (STREAMCDN_ROUTER_CONFIG) does not exist");
    }

    @Test
    void aBadValueInTheFileIsRefusedLikeABadFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("router.conf"), "port = 70000\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString().startsWith("streamcdn router: --port 70000");
    }

    @Test
    void helpListsEverySettingsFlagEnvironmentVariableAndConfigKey() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        CommandLine cli = RoleCommand.commandLine("router", new RouterCommand(), Map.of());
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            if (EnvironmentDefaults.isSetting(option)) {
                String flag = option.longestName();
                assertThat(run.out()).as(flag).containsPattern("(?m)^  " + flag + "\\s+"
                        + EnvironmentDefaults.variableFor("router", flag) + "\\s+(key: )?" + flag.substring(2) + "$");
            }
        }
        assertThat(run.out()).contains("--shutdown-grace", "--config", "STREAMCDN_ROUTER_CONFIG");
    }

    @Test
    void versionNamesTheProjectVersionAndTheBuildCommit() {
        Run run = run(Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(io.streamcdn.common.Version.describe())
                .startsWith("streamcdn " + io.streamcdn.common.Version.current());
    }
}
