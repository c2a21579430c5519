package io.streamcdn.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WrkTest {

    /** Debian wrk 4.1.0's report for a run with a script, some non-2xx answers and socket errors. */
    private static final String REPORT = """
            Running 10s test @ http://127.0.0.1:8081/
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.92ms    3.50ms  99.00ms   97.50%
                Req/Sec    14.49k     1.20k   17.80k    70.50%
              Latency Distribution
                 50%  850.00us
                 75%    1.20ms
                 90%    2.10ms
                 99%    1.05s
              288366 requests in 10.00s, 1.21GB read
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 7
            Requests/sec:  28836.54
            Transfer/sec:    123.45MB
            """;

    @Test
    void readsThroughputPercentilesInMillisecondsAndErrorCounts() {
        Wrk.Result result = Wrk.parse(REPORT);

        assertThat(result.requestsPerSecond()).isEqualTo(28836.54);
        assertThat(result.p50Ms()).isCloseTo(0.85, within(1e-9));
        assertThat(result.p99Ms()).isCloseTo(1050, within(1e-9));
        assertThat(result.requests()).isEqualTo(288366);
        assertThat(result.non2xx()).isEqualTo(7);
        assertThat(result.socketErrors()).isEqualTo(5);
    }

    @Test
    void aCleanRunHasNoErrors() {
        String clean = REPORT.replace("  Socket errors: connect 0, read 2, write 0, timeout 3\n", "")
                .replace("  Non-2xx or 3xx responses: 7\n", "");

        Wrk.Result result = Wrk.parse(clean);

        assertThat(result.non2xx()).isZero();
        assertThat(result.socketErrors()).isZero();
    }

    @Test
    void thePathCyclerListsEveryPathOnce(@TempDir Path dir) throws Exception {
        Path script = Wrk.pathCycler(dir.resolve("paths.lua"), List.of("/videos/abcdef/a.m4s", "/videos/abcdef/b.m4s"));

        String lua = Files.readString(script);
        assertThat(lua).contains("\"/videos/abcdef/a.m4s\",", "\"/videos/abcdef/b.m4s\",", "request = function()");
    }
}
