package io.streamcdn.common.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.streamcdn.common.RoleRuntime;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the roles' logging configuration (common's logback.xml) on a real Vert.x server: a viewer who hangs up in
 * the middle of a file sent with sendFile (a closed tab, a seek, an abandoned download) logs no ERROR and no stack
 * trace - Vert.x would log one per such viewer - and the server serves the next viewer.
 */
class ViewerLeavingMidFileTest {

    @TempDir
    Path folder;
    private RoleRuntime runtime;
    private int port;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final CompletableFuture<Boolean> sent = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        attach(Logger.ROOT_LOGGER_NAME, log);
        runtime = new RoleRuntime("edge", false);
        Path big = Files.createTempFile(folder, "segment", ".m4s");
        Files.write(big, new byte[64 * 1024 * 1024]);
        HttpServer server = runtime.vertx().createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                // as the roles serve video files: the peer's reset arrives while the file is being sent
                .requestHandler(request -> request.response().sendFile(big.toString())
                        .onComplete(done -> sent.complete(done.succeeded())))
                .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() {
        runtime.close();
        detach(Logger.ROOT_LOGGER_NAME, log);
    }

    @Test
    void aViewerHangingUpMidFileLogsNoErrorAndTheNextOneIsServed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoLinger(true, 0); // close with a reset, as a killed browser does
            OutputStream out = socket.getOutputStream();
            out.write("GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            in.readNBytes(64 * 1024); // the response has started
        }

        assertThat(sent.get(10, TimeUnit.SECONDS)).as("the file was cut short").isFalse();

        try (Socket next = new Socket("127.0.0.1", port)) {
            next.getOutputStream().write("GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = new String(next.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 200");
        }
        assertThat(events(log)).as(events(log).toString())
                .noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    }

    private static List<ILoggingEvent> events(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    private static Logger attach(String name, ListAppender<ILoggingEvent> appender) {
        Logger logger = (Logger) LoggerFactory.getLogger(name);
        appender.start();
        logger.addAppender(appender);
        return logger;
    }

    private static Logger detach(String name, ListAppender<ILoggingEvent> appender) {
        Logger logger = (Logger) LoggerFactory.getLogger(name);
        logger.detachAppender(appender);
        appender.stop();
        return logger;
    }
}
