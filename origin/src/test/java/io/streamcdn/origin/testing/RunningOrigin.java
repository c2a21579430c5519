package io.streamcdn.origin.testing;

import io.streamcdn.origin.OriginConfig;
import io.streamcdn.origin.OriginServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * A real {@link OriginServer} on 127.0.0.1 and a free port over a given data directory, with an HTTP/1.1
 * client to talk to it. Started the way {@code streamcdn origin} starts it, from an {@link OriginConfig}.
 */
public final class RunningOrigin implements AutoCloseable {

    private final OriginServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private RunningOrigin(OriginServer server) {
        this.server = server;
    }

    public static RunningOrigin start(Path dataDir) throws Exception {
        return start(dataDir, UnaryOperator.identity());
    }

    public static RunningOrigin start(Path dataDir, UnaryOperator<OriginConfig.Builder> configure) throws Exception {
        OriginConfig config = configure.apply(OriginConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)).build();
        return new RunningOrigin(OriginServer.start(config).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    public HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    public HttpResponse<byte[]> head(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).method("HEAD", HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends exactly these bytes as the request head (no client-side normalisation) and reads the answer. */
    public RawHttp.Response raw(String method, String target, String... headerLines) throws IOException {
        return RawHttp.send(port(), method, target, headerLines);
    }

    @Override
    public void close() throws IOException {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the origin", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the origin did not stop", e);
        }
    }
}
