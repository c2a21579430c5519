package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RedirectWorkloadTest {

    @Test
    void everyVideoIsAskedForFromEveryAddressOncePerCycle() {
        RedirectWorkload workload = new RedirectWorkload(1000);
        Set<String> pairs = new HashSet<>();
        for (int k = 0; k < workload.size(); k++) {
            pairs.add(workload.path(k) + " " + workload.address(k));
        }

        assertThat(workload.size()).isEqualTo(5000);
        assertThat(pairs).hasSize(5000);
    }

    @Test
    void requestsAreKeepAliveGetsWithTheViewerInXForwardedFor() {
        RedirectWorkload workload = new RedirectWorkload(1000);

        assertThat(new String(workload.request(1001, "127.0.0.1:8090"), StandardCharsets.US_ASCII)).isEqualTo(
                "GET /videos/video000001/manifest.mpd HTTP/1.1\r\nHost: 127.0.0.1:8090\r\n"
                        + "X-Forwarded-For: 175.16.199.10\r\n\r\n");
    }
}
