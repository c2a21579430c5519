package io.streamcdn.router;

import io.streamcdn.common.RoleCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code streamcdn router} as an operator meets it. */
class RouterCommandTest {

    private static String errors(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = RoleCommand.commandLine("router", new RouterCommand(), Map.of());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int code = cli.execute(args);
        assertThat(code).isEqualTo(RoleCommand.EXIT_BAD_CONFIG);
        return err.toString();
    }

    @Test
    void theDefaultsAndEnvironmentVariables() {
        RouterCommand command = new RouterCommand();
        RoleCommand.commandLine("router", command, Map.of("STREAMCDN_ROUTER_TOLERANCE_KM", "250",
                "STREAMCDN_ROUTER_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32")).parseArgs("--dns-port", "8053",
                "--dns-zone", "CDN.Example");
        RouterConfig config = command.config();

        assertThat(config.port()).isEqualTo(8090);
        assertThat(config.toleranceKm()).isEqualTo(250);
        assertThat(config.trustedProxies()).hasSize(2);
        assertThat(config.dnsZone()).contains("cdn.example.");
        assertThat(config.healthInterval()).hasSeconds(2);
        assertThat(config.describe()).contains("dns-zone=cdn.example.", "tolerance-km=250.0", "cors-origins=*");
        assertThat(config.dnsNameserverAddresses()).isEmpty();
    }

    @Test
    void badValuesExitWith2AndOneLineNamingTheFlag() {
        assertThat(errors("--trusted-proxies", "10.0.0.0/33")).contains("--trusted-proxies", "prefix");
        assertThat(errors("--trusted-proxies", "proxy.example")).contains("is not a network");
        assertThat(errors("--dns-port", "8053")).contains("--dns-port and --dns-zone go together");
        assertThat(errors("--dns-port", "8053", "--dns-zone", "bad zone!")).contains("--dns-zone 'bad zone!'");
        assertThat(errors("--geoip", "/nonexistent.mmdb")).contains("--geoip /nonexistent.mmdb cannot be read");
        assertThat(errors("--default-location", "somewhere")).contains("--default-location");
        assertThat(errors("--health-timeout", "5s")).contains("no longer than --health-interval");
        assertThat(errors("--max-load", "2")).contains("--max-load 2.0 is outside");
        assertThat(errors("--dns-port", "8053", "--dns-zone", "cdn.example", "--dns-nameserver-addresses", "ns.example"))
                .contains("--dns-nameserver-addresses: 'ns.example' is not an IP address");
        assertThat(errors("--dns-nameserver-addresses", "203.0.113.53")).contains("give --dns-port and --dns-zone too");
        assertThat(errors("--cors-origins", "https://a.example/path")).contains("--cors-origins", "not a web origin");
    }
}
