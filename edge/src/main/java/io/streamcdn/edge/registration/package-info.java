/**
 * The edge's registration with the router: a {@link io.streamcdn.edge.registration.Heartbeat} every five
 * seconds carrying the edge's address, place, capacity and {@link io.streamcdn.edge.registration.EdgeLoad},
 * and a deregistration on graceful shutdown. The wire contract is in README.md, "Router registration: the heartbeat contract".
 *
 * <p>Assembly, in the edge's entry class, only when {@code --router} is given:
 * <pre>{@code
 * RouterHeartbeat heartbeat = new RouterHeartbeat(vertx, config, edgeLoad, registry); // edgeLoad: Supplier<EdgeLoad>
 * heartbeat.start();
 * ...
 * heartbeat.stop().eventually(server::close)  // on shutdown: deregister first, while still serving
 * }</pre>
 * The router being absent, down or refusing never stops the edge: it is logged once and counted in
 * {@code streamcdn_edge_heartbeats_total{outcome}}.
 */
package io.streamcdn.edge.registration;
