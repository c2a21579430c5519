package io.streamcdn.edge;

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
 * {@code streamcdn edge --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line.
 */
class EdgeConfigFileTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private static EdgeConfig parse(Map<String, String> environment, String... args) {
        EdgeCommand command = new EdgeCommand();
        RoleCommand.commandLine("edge", command, environment).parseArgs(args);
        return command.config();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("edge.conf"), """
                cache-max = 20g
                prefetch = 4
                name = from-file
                tls-self-signed = false
                """);

        EdgeConfig config = parse(Map.of("STREAMCDN_EDGE_PREFETCH", "5", "STREAMCDN_EDGE_NAME", "from-env"), "--config", file.toString(), "--name", "from-flag");

        assertThat(config.name()).as("flag").isEqualTo("from-flag");
        assertThat(config.prefetch()).as("environment").isEqualTo(5);
        assertThat(config.cacheMaxBytes()).as("file").isEqualTo(20L << 30);
        assertThat(config.port()).as("default").isEqualTo(EdgeConfig.DEFAULT_PORT);
    }

    /** The example an operator starts from: every key real, every value accepted. */
    @Test
    void theShippedExampleConfigIsValid() {
        Path example = Path.of("").toAbsolutePath().resolveSibling("deploy").resolve("config").resolve("edge.conf");

        EdgeConfig config = parse(Map.of(), "--config", example.toString());

        assertThat(config.port()).isEqualTo(EdgeConfig.DEFAULT_PORT);
    }

    @Test
    void theEnvironmentVariableNamesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("edge.conf"), "port = 9393\n");

        assertThat(parse(Map.of("STREAMCDN_EDGE_CONFIG", file.toString())).port()).isEqualTo(9393);
    }

    @Test
    void anUnknownKeyStopsTheRoleWithOneLineNamingTheNearestFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("edge.conf"), "# edge\nport = 9393\ncache-size = 1\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn edge: " + file
                + " line 3: unknown key 'cache-size'; did you mean cache-dir (--cache-dir)?");
    }

    @Test
    void anUnreadableFileStopsTheRoleWithOneLine() {
        Path missing = dir.resolve("missing.conf");

        Run run = run(Map.of("STREAMCDN_EDGE_CONFIG", missing.toString()));

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn edge: config file " + missing
                + " (STREAMCDN_EDGE_CONFIG) does not exist");
    }

    @Test
    void aBadValueInTheFileIsRefusedLikeABadFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("edge.conf"), "port = 70000\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString().startsWith("streamcdn edge: --port 70000");
    }

    @Test
    void helpListsEverySettingsFlagEnvironmentVariableAndConfigKey() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        CommandLine cli = RoleCommand.commandLine("edge", new EdgeCommand(), Map.of());
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            if (EnvironmentDefaults.isSetting(option)) {
                String flag = option.longestName();
                assertThat(run.out()).as(flag).containsPattern("(?m)^  " + flag + "\\s+"
                        + EnvironmentDefaults.variableFor("edge", flag) + "\\s+(key: )?" + flag.substring(2) + "$");
            }
        }
        assertThat(run.out()).contains("--shutdown-grace", "--config", "STREAMCDN_EDGE_CONFIG");
    }

    @Test
    void versionNamesTheProjectVersionAndTheBuildCommit() {
        Run run = run(Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(io.streamcdn.common.Version.describe())
                .startsWith("streamcdn " + io.streamcdn.common.Version.current());
    }
}
