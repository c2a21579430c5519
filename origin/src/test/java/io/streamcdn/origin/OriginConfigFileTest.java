package io.streamcdn.origin;

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
 * {@code streamcdn origin --config FILE}: the role's settings from a file, overridden by the environment,
 * overridden by flags; a file with a mistake stops the role with one line.
 */
class OriginConfigFileTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private static OriginConfig parse(Map<String, String> environment, String... args) {
        OriginCommand command = new OriginCommand();
        RoleCommand.commandLine("origin", command, environment).parseArgs(args);
        return command.config();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault() throws Exception {
        Path file = Files.writeString(dir.resolve("origin.conf"), """
                encode-workers = 2
                max-upload = 1g
                x264-preset = faster
                port = 9000
                """);

        OriginConfig config = parse(Map.of("STREAMCDN_ORIGIN_MAX_UPLOAD", "2g", "STREAMCDN_ORIGIN_PORT", "9100"), "--config", file.toString(), "--port", "9200");

        assertThat(config.port()).as("flag").isEqualTo(9200);
        assertThat(config.maxUploadBytes()).as("environment").isEqualTo(2L << 30);
        assertThat(config.encodeWorkers()).as("file").isEqualTo(2);
        assertThat(config.encoderSettings().x264Preset()).as("file").isEqualTo("faster");
        assertThat(config.host()).as("default").isEqualTo(OriginConfig.DEFAULT_HOST);
    }

    /** The example an operator starts from: every key real, every value accepted. */
    @Test
    void theShippedExampleConfigIsValid() {
        Path example = Path.of("").toAbsolutePath().resolveSibling("deploy").resolve("config").resolve("origin.conf");

        OriginConfig config = parse(Map.of(), "--config", example.toString());

        assertThat(config.port()).isEqualTo(OriginConfig.DEFAULT_PORT);
    }

    @Test
    void theEnvironmentVariableNamesTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("origin.conf"), "port = 9393\n");

        assertThat(parse(Map.of("STREAMCDN_ORIGIN_CONFIG", file.toString())).port()).isEqualTo(9393);
    }

    @Test
    void anUnknownKeyStopsTheRoleWithOneLineNamingTheNearestFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("origin.conf"), "# origin\nport = 9393\ndata-dri = 1\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn origin: " + file
                + " line 3: unknown key 'data-dri'; did you mean data-dir (--data-dir)?");
    }

    @Test
    void anUnreadableFileStopsTheRoleWithOneLine() {
        Path missing = dir.resolve("missing.conf");

        Run run = run(Map.of("STREAMCDN_ORIGIN_CONFIG", missing.toString()));

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn origin: config file " + missing
                + " (STREAMCDN_ORIGIN_CONFIG) does not exist");
    }

    @Test
    void aBadValueInTheFileIsRefusedLikeABadFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("origin.conf"), "port = 70000\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString().startsWith("streamcdn origin: --port 70000");
    }

    @Test
    void helpListsEverySettingsFlagEnvironmentVariableAndConfigKey() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), Map.of());
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            if (EnvironmentDefaults.isSetting(option)) {
                String flag = option.longestName();
                assertThat(run.out()).as(flag).containsPattern("(?m)^  " + flag + "\\s+"
                        + EnvironmentDefaults.variableFor("origin", flag) + "\\s+(key: )?" + flag.substring(2) + "$");
            }
        }
        assertThat(run.out()).contains("--shutdown-grace", "--config", "STREAMCDN_ORIGIN_CONFIG");
    }

    @Test
    void versionNamesTheProjectVersionAndTheBuildCommit() {
        Run run = run(Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(io.streamcdn.common.Version.describe())
                .startsWith("streamcdn " + io.streamcdn.common.Version.current());
    }
}
