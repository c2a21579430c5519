package io.streamcdn.common.testing;

import io.streamcdn.common.EnvironmentDefaults;
import io.streamcdn.common.RoleCommand;
import io.streamcdn.common.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every role's {@code --config FILE} does the same way, proven on each role's real command by a subclass in
 * the role's module: the shipped example is valid, the environment variable names the file, a file with a mistake
 * stops the role with one line, and {@code --help} lists each setting's flag, variable and key. The subclass adds
 * the precedence test with its role's own settings.
 *
 * @param <C> the role's command
 */
public abstract class RoleConfigFileContract<C extends Callable<Integer>> {

    @TempDir
    protected Path dir;

    /** The role's name, as on the command line: {@code origin}, {@code edge}, {@code router}. */
    protected abstract String role();

    protected abstract C newCommand();

    /** The port the parsed command's configuration holds. */
    protected abstract int port(C parsed);

    protected abstract int defaultPort();

    /** A misspelled key in a config file, and the flag the refusal should suggest instead (without dashes). */
    protected abstract String misspelledKey();

    protected abstract String suggestedKey();

    protected record Run(int exitCode, String out, String err) {
    }

    protected Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine(role(), newCommand(), environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    /** A fresh command with {@code args} parsed under {@code environment}. */
    protected C parse(Map<String, String> environment, String... args) {
        C command = newCommand();
        RoleCommand.commandLine(role(), command, environment).parseArgs(args);
        return command;
    }

    private String configVariable() {
        return "STREAMCDN_" + role().toUpperCase(Locale.ROOT) + "_CONFIG";
    }

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve(role() + ".conf"), text);
    }

    /** The example an operator starts from: every key real, every value accepted. */
    @Test
    void theShippedExampleConfigIsValid() {
        Path example = Path.of("").toAbsolutePath().resolveSibling("deploy").resolve("config").resolve(role() + ".conf");

        assertThat(port(parse(Map.of(), "--config", example.toString()))).isEqualTo(defaultPort());
    }

    @Test
    void theEnvironmentVariableNamesTheFile() throws Exception {
        Path file = file("port = 9393\n");

        assertThat(port(parse(Map.of(configVariable(), file.toString())))).isEqualTo(9393);
    }

    @Test
    void anUnknownKeyStopsTheRoleWithOneLineNamingTheNearestFlag() throws Exception {
        Path file = file("# " + role() + "\nport = 9393\n" + misspelledKey() + " = 1\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn " + role() + ": " + file + " line 3: unknown key '"
                + misspelledKey() + "'; did you mean " + suggestedKey() + " (--" + suggestedKey() + ")?");
    }

    @Test
    void anUnreadableFileStopsTheRoleWithOneLine() {
        Path missing = dir.resolve("missing.conf");

        Run run = run(Map.of(configVariable(), missing.toString()));

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn " + role() + ": config file " + missing
                + " (" + configVariable() + ") does not exist");
    }

    @Test
    void aBadValueInTheFileIsRefusedLikeABadFlag() throws Exception {
        Path file = file("port = 70000\n");

        Run run = run(Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString().startsWith("streamcdn " + role() + ": --port 70000");
    }

    @Test
    void helpListsEverySettingsFlagEnvironmentVariableAndConfigKey() {
        Run run = run(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        CommandLine cli = RoleCommand.commandLine(role(), newCommand(), Map.of());
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            if (EnvironmentDefaults.isSetting(option)) {
                String flag = option.longestName();
                assertThat(run.out()).as(flag).containsPattern("(?m)^  " + flag + "\\s+"
                        + EnvironmentDefaults.variableFor(role(), flag) + "\\s+(key: )?" + flag.substring(2) + "$");
            }
        }
        assertThat(run.out()).contains("--shutdown-grace", "--config", configVariable());
    }

    @Test
    void versionNamesTheProjectVersionAndTheBuildCommit() {
        Run run = run(Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(Version.describe()).startsWith("streamcdn " + Version.current());
    }
}
