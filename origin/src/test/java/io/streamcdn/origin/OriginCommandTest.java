package io.streamcdn.origin;

import io.streamcdn.common.RoleCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code streamcdn origin} as an operator meets it: flags, environment variables, and what a mistake prints. */
class OriginCommandTest {

    private record Run(int exitCode, String err) {
    }

    private static Run run(Map<String, String> environment, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), environment);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    private static OriginConfig parse(Map<String, String> environment, String... args) {
        OriginCommand command = new OriginCommand();
        RoleCommand.commandLine("origin", command, environment).parseArgs(args);
        return command.config();
    }

    @Test
    void anUnparsableFlagExitsWith2AndOneClearLine() {
        Run run = run(Map.of(), "--port", "eighty");

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        String first = run.err().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("streamcdn origin: ").contains("--port").contains("eighty");
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void anInvalidValueExitsWith2AndOneLineNamingTheFlag() {
        Run run = run(Map.of(), "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).containsExactly(
                "streamcdn origin: --port 70000 is not a port; use 1..65535, or 0 for any free port");
    }

    @Test
    void aBadLadderExitsWith2() {
        Run run = run(Map.of(), "--ladder", "720p:3000k,huge");

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString().contains("--ladder", "'huge' is not a rung");
    }

    @Test
    void anUnknownFlagExitsWith2() {
        assertThat(run(Map.of(), "--prot", "80").exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
    }

    @Test
    void theEnvironmentSetsAnyOption() {
        OriginConfig config = parse(Map.of("STREAMCDN_ORIGIN_PORT", "9191", "STREAMCDN_ORIGIN_MAX_UPLOAD", "1g",
                "STREAMCDN_ORIGIN_LADDER", "480p:1400k"));

        assertThat(config.port()).isEqualTo(9191);
        assertThat(config.maxUploadBytes()).isEqualTo(1L << 30);
        assertThat(config.encoderSettings().ladder()).hasSize(1);
    }

    @Test
    void theRouterUrlComesFromItsFlagOrItsEnvironmentVariable() {
        assertThat(parse(Map.of(), "--router-url", "http://127.0.0.1:8090/").routerUrl()).hasValue("http://127.0.0.1:8090");
        assertThat(parse(Map.of("STREAMCDN_ORIGIN_ROUTER_URL", "http://router.example:8090")).routerUrl())
                .hasValue("http://router.example:8090");
        assertThat(parse(Map.of()).routerUrl()).isEmpty();
    }

    @Test
    void aBadRouterUrlExitsWith2AndOneLineNamingTheFlag() {
        Run run = run(Map.of(), "--router-url", "router:8090");

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("streamcdn origin: --router-url 'router:8090' must be an absolute http(s) URL");
    }

    @Test
    void aFlagWinsOverTheEnvironment() {
        assertThat(parse(Map.of("STREAMCDN_ORIGIN_PORT", "9191"), "--port", "9292").port()).isEqualTo(9292);
    }

    @Test
    void aBadEnvironmentValueIsRefusedLikeABadFlag() {
        Run run = run(Map.of("STREAMCDN_ORIGIN_PORT", "nope"));

        assertThat(run.exitCode()).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        assertThat(run.err()).contains("nope");
    }

    @Test
    void withoutFlagsTheDefaultsApply() {
        assertThat(parse(Map.of())).isEqualTo(OriginConfig.defaults());
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariable() {
        StringWriter out = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), Map.of());
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        for (String flag : new String[] {"--host", "--port", "--data-dir", "--max-upload", "--encode-workers", "--ladder",
                "--segment-seconds", "--x264-preset", "--audio-bitrate", "--encode-threads", "--public-url",
                "--cors-origins", "--router-url"}) {
            assertThat(out.toString()).contains(flag)
                    .contains(io.streamcdn.common.EnvironmentDefaults.variableFor("origin", flag));
        }
    }

    @Test
    void versionNamesTheProject() {
        StringWriter out = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("origin", new OriginCommand(), Map.of());
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("streamcdn ").doesNotContain("unknown");
    }
}
