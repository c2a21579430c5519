package io.streamcdn.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a role's settings come from, on a small command shaped like the roles' (each role's own tests prove the
 * same on its real command): flag over environment over config file over default.
 */
class RoleCommandSettingsTest {

    @Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = Version.class)
    static final class Sample implements Callable<Integer> {
        @Mixin
        RoleOptions options;

        @Option(names = "--cache-max", defaultValue = "10g", description = "Env: STREAMCDN_SAMPLE_CACHE_MAX")
        String cacheMax;

        @Option(names = "--prefetch", defaultValue = "2")
        int prefetch;

        @Option(names = "--name", defaultValue = "default-name")
        String name;

        @Option(names = "--tls-self-signed", defaultValue = "false")
        boolean tlsSelfSigned;

        boolean ran;

        @Override
        public Integer call() {
            ran = true;
            return 0;
        }
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(Sample command, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("sample", command, environment);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheFileWhichWinsOverTheDefault(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sample.conf"), """
                cache-max = 20g
                prefetch = 4
                name = from-file
                tls-self-signed = true
                shutdown-grace = 3s
                """);
        Sample command = new Sample();

        Run run = run(command, Map.of("STREAMCDN_SAMPLE_PREFETCH", "5", "STREAMCDN_SAMPLE_NAME", "from-env"),
                "--config", file.toString(), "--name", "from-flag");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(command.name).isEqualTo("from-flag");
        assertThat(command.prefetch).isEqualTo(5);
        assertThat(command.cacheMax).isEqualTo("20g");
        assertThat(command.tlsSelfSigned).isTrue();
        assertThat(command.options.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theEnvironmentCanNameTheFileAndTheFlagWinsOverIt(@TempDir Path dir) throws Exception {
        Path fromEnv = Files.writeString(dir.resolve("env.conf"), "name = env-file\n");
        Path fromFlag = Files.writeString(dir.resolve("flag.conf"), "name = flag-file\n");

        Sample named = new Sample();
        assertThat(run(named, Map.of("STREAMCDN_SAMPLE_CONFIG", fromEnv.toString())).exitCode()).isZero();
        assertThat(named.name).isEqualTo("env-file");

        Sample overridden = new Sample();
        assertThat(run(overridden, Map.of("STREAMCDN_SAMPLE_CONFIG", fromEnv.toString()),
                "--config=" + fromFlag).exitCode()).isZero();
        assertThat(overridden.name).isEqualTo("flag-file");
    }

    @Test
    void withoutAFileTheDefaultsApply() {
        Sample command = new Sample();
        assertThat(run(command, Map.of()).exitCode()).isZero();
        assertThat(command.name).isEqualTo("default-name");
        assertThat(command.options.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void aBrokenFileStopsTheRoleWithOneLineEvenWhenEveryFlagIsGiven(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sample.conf"), "cache-mx = 1g\n");
        Sample command = new Sample();

        Run run = run(command, Map.of(), "--config", file.toString(), "--cache-max", "1g", "--prefetch", "1",
                "--name", "n", "--tls-self-signed", "--shutdown-grace", "1s", "--help");

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly("streamcdn sample: " + file
                + " line 1: unknown key 'cache-mx'; did you mean cache-max (--cache-max)?");
        assertThat(command.ran).isFalse();
    }

    @Test
    void theConfigKeyCannotNameAnotherFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sample.conf"), "config = other.conf\n");

        Run run = run(new Sample(), Map.of(), "--config", file.toString());

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err()).contains("unknown key 'config'");
    }

    @Test
    void aBadShutdownGraceIsRefusedNamingTheFlag() {
        Sample command = new Sample();
        assertThat(run(command, Map.of(), "--shutdown-grace", "soon").exitCode()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(command.options::shutdownGrace)
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--shutdown-grace: 'soon' is not a duration");
    }

    @Test
    void helpEndsWithEverySettingsFlagVariableAndKey() {
        Run run = run(new Sample(), Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("--cache-max\\s+STREAMCDN_SAMPLE_CACHE_MAX\\s+(key: )?cache-max")
                .containsPattern("--shutdown-grace\\s+STREAMCDN_SAMPLE_SHUTDOWN_GRACE\\s+(key: )?shutdown-grace")
                .containsPattern("--config\\s+STREAMCDN_SAMPLE_CONFIG\\s+(key: )?\\(names the file\\)")
                .doesNotContainPattern("--help\\s+STREAMCDN");
    }

    @Test
    void versionNamesTheProjectVersionAndTheBuildCommit() {
        Run run = run(new Sample(), Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(Version.describe()).startsWith("streamcdn " + Version.current());
    }
}
