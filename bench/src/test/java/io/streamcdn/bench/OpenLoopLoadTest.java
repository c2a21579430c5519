package io.streamcdn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixed-rate generator against a real server that redirects, and one that stalls once. */
class OpenLoopLoadTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A redirecting server that holds request number {@code stallAt} (counting from 1) for {@code stallMs}. */
    private int server(int stallAt, long stallMs) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            Runnable answer = () -> request.response().setStatusCode(302)
                    .putHeader("Location", "http://127.0.0.1:1" + request.uri()).end();
            if (requests.incrementAndGet() == stallAt) {
                vertx.setTimer(stallMs, t -> answer.run());
            } else {
                answer.run();
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    @Test
    void sendsAtTheAskedRateAndCountsRedirects() throws Exception {
        int port = server(-1, 0);

        OpenLoopLoad.Result result = OpenLoopLoad.run(port, new RedirectWorkload(10), 500, 4, 0, 2);

        assertThat(result.responses()).isBetween(990L, 1010L);
        assertThat(result.redirects()).isEqualTo(result.responses());
        assertThat(result.others() + result.badLocations() + result.errors()).isZero();
    }

    @Test
    void aStallIsChargedToEveryRequestThatWaitedBehindIt() throws Exception {
        // One connection, a request due every 5 ms; the 50th answer takes 250 ms, so ~50 requests fall due
        // while it is held. Timed from their writes (no correction) only the held one looks slow.
        int port = server(50, 250);

        OpenLoopLoad.Result result = OpenLoopLoad.run(port, new RedirectWorkload(10), 200, 1, 0, 2);

        long slowCorrected = result.latency().getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(100),
                TimeUnit.SECONDS.toNanos(10));
        long slowUncorrected = result.service().getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(100),
                TimeUnit.SECONDS.toNanos(10));
        assertThat(slowUncorrected).isEqualTo(1);
        // ~30 fall due in the stall's first 150 ms; a loaded machine stretches the stall (its timer fires late),
        // which only adds victims, so the upper bound is loose. Uncorrected timing would charge 1.
        assertThat(slowCorrected).isBetween(25L, 60L);
        assertThat(result.responses()).isBetween(395L, 405L);
    }
}
