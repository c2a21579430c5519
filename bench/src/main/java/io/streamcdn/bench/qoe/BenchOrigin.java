package io.streamcdn.bench.qoe;

import io.streamcdn.common.RoleCommand;
import io.streamcdn.origin.OriginCommand;
import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real origin in the benchmark's JVM, configured from the same flags an operator passes to
 * {@code streamcdn origin} (parsed by the origin's own command, environment variables ignored), listening
 * on 127.0.0.1. It encodes the benchmark's video and serves the player's pages, its configuration and the
 * video's files (the latter to the shaping proxy).
 */
final class BenchOrigin implements AutoCloseable {

    private final OriginServer server;

    private BenchOrigin(OriginServer server) {
        this.server = server;
    }

    static BenchOrigin start(List<String> flags) throws Exception {
        OriginCommand command = new OriginCommand();
        RoleCommand.commandLine("origin", command, Map.of()).parseArgs(flags.toArray(String[]::new));
        OriginConfig config = command.config();
        return new BenchOrigin(OriginServer.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    }

    int port() {
        return server.port();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
