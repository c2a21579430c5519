package io.streamcdn.edge;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Purges are accepted from this machine only (no network needed to check who counts as "this machine"). */
class PurgeHandlerTest {

    @Test
    void onlyLoopbackClientsMayPurge() {
        assertThat(PurgeHandler.isLoopback(SocketAddress.inetSocketAddress(40000, "127.0.0.1"))).isTrue();
        assertThat(PurgeHandler.isLoopback(SocketAddress.inetSocketAddress(40000, "::1"))).isTrue();
        assertThat(PurgeHandler.isLoopback(SocketAddress.inetSocketAddress(40000, "192.0.2.10"))).isFalse();
        assertThat(PurgeHandler.isLoopback(SocketAddress.inetSocketAddress(40000, "10.0.0.1"))).isFalse();
        assertThat(PurgeHandler.isLoopback(null)).isFalse();
    }
}
