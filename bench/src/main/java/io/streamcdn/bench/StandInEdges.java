package io.streamcdn.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Edges for the router to route to, without edges: one Vert.x instance (in the benchmark driver) listening
 * on one 127.0.0.1 port per site, answering {@code GET /health} with 200 and everything else with 404. The
 * router only health-checks them (viewers are redirected, never proxied), so they cost almost nothing
 * while the router is measured.
 * <p>
 * The sites are placed so that each of MaxMind's test addresses has two or three edges within the router's
 * default tolerance (500 km beyond the nearest): London and Boxford (GB) are shared by London, Paris and
 * Amsterdam, Linköping by Stockholm and Oslo, Milton (US) by Seattle and Portland, Changchun by Seoul and
 * Beijing. Every decision therefore runs the rendezvous hashing over a real group, not a group of one.
 */
final class StandInEdges implements AutoCloseable {

    /** Where an edge is. */
    record Site(String name, double lat, double lon) {
    }

    static final List<Site> SITES = List.of(
            new Site("edge-london", 51.51, -0.13),
            new Site("edge-paris", 48.86, 2.35),
            new Site("edge-amsterdam", 52.37, 4.90),
            new Site("edge-stockholm", 59.33, 18.07),
            new Site("edge-oslo", 59.91, 10.75),
            new Site("edge-seattle", 47.61, -122.33),
            new Site("edge-portland", 45.52, -122.68),
            new Site("edge-newyork", 40.71, -74.01),
            new Site("edge-seoul", 37.57, 126.98),
            new Site("edge-beijing", 39.90, 116.40));

    private final Vertx vertx;
    private final List<HttpServer> servers;
    private final AtomicLong healthChecks;

    private StandInEdges(Vertx vertx, List<HttpServer> servers, AtomicLong healthChecks) {
        this.vertx = vertx;
        this.servers = servers;
        this.healthChecks = healthChecks;
    }

    /** Listens for every site in {@link #SITES}, each on a free port. */
    static StandInEdges start() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicLong checks = new AtomicLong();
        List<HttpServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < SITES.size(); i++) {
                servers.add(vertx.createHttpServer().requestHandler(request -> {
                    if ("/health".equals(request.path())) {
                        checks.incrementAndGet();
                        request.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}");
                    } else {
                        request.response().setStatusCode(404).end();
                    }
                }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
        return new StandInEdges(vertx, servers, checks);
    }

    String url(int site) {
        return "http://127.0.0.1:" + servers.get(site).actualPort();
    }

    int size() {
        return servers.size();
    }

    /** Health checks answered so far. */
    long healthChecks() {
        return healthChecks.get();
    }

    /** Writes the router's {@code --edges} file: every site with its URL and location. */
    Path writeEdgesFile(Path file) throws IOException {
        JsonArray edges = new JsonArray();
        for (int i = 0; i < SITES.size(); i++) {
            Site site = SITES.get(i);
            edges.add(new JsonObject().put("name", site.name()).put("url", url(i))
                    .put("location", new JsonObject().put("lat", site.lat()).put("lon", site.lon())));
        }
        Files.createDirectories(file.getParent());
        return Files.writeString(file, new JsonObject().put("edges", edges).encodePrettily());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
