package io.streamcdn.router.dns;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamcdn.router.dns.DnsMetrics.DropReason;
import io.streamcdn.router.dns.DnsResponder.Transport;
import io.streamcdn.router.net.Cidr;
import io.streamcdn.router.routing.Routing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The router's authoritative DNS server: UDP and TCP on one port number, each query answered by a
 * {@link DnsResponder} on the event loop that received it (routing lookups are in-memory, so nothing blocks).
 *
 * <p>TCP carries each message behind a two-byte length (RFC 1035 4.2.2); a connection may send several in a row
 * (RFC 7766) and is closed when one does not parse, when it closes mid-message, or when it stays idle for
 * {@link #TCP_IDLE_TIMEOUT_SECONDS}, so idle or half-sent connections cannot pile up.
 */
public final class DnsServer {

    /** RFC 7766 asks servers to close idle connections after "a few seconds"; resolvers reconnect cheaply. */
    static final int TCP_IDLE_TIMEOUT_SECONDS = 10;
    /** With port 0, how many free UDP ports to try before giving up on finding one free on TCP too. */
    private static final int FREE_PORT_ATTEMPTS = 10;

    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    private final Vertx vertx;
    private final String zone;
    private final DnsResponder responder;
    private final DnsMetrics metrics;
    // Set once on an event loop when both transports are bound; read by port() and close() from any thread.
    private volatile DatagramSocket udp;
    private volatile NetServer tcp;

    /** A server for {@code zone} (absolute, like {@code cdn.example.}) that publishes no name server addresses. */
    public DnsServer(Vertx vertx, String zone, Routing routing, MeterRegistry registry) {
        this(vertx, zone, List.of(), routing, registry);
    }

    /**
     * A server for {@code zone} whose name server, {@code ns1.<zone>}, has the public addresses
     * {@code nameserverAddresses}: they answer its A/AAAA queries and go with NS answers as glue.
     */
    public DnsServer(Vertx vertx, String zone, List<InetAddress> nameserverAddresses, Routing routing,
                     MeterRegistry registry) {
        this.vertx = vertx;
        this.zone = zone;
        this.metrics = new DnsMetrics(registry);
        this.responder = new DnsResponder(AuthoritativeZone.of(zone, nameserverAddresses), routing, metrics);
    }

    /** Listens on {@code host}:{@code port} over UDP and TCP; port 0 picks a number free on both. */
    public Future<DnsServer> listen(String host, int port) {
        if (udp != null) {
            return Future.failedFuture(new IllegalStateException("the DNS server is already listening on " + port()));
        }
        return bind(host, port, port == 0 ? FREE_PORT_ATTEMPTS : 1)
                .recover(failure -> Future.failedFuture(new IllegalStateException(String.format(
                        "the DNS server cannot listen on %s:%d (UDP and TCP): %s; give --dns-port a free port, "
                                + "and note that ports below 1024 need privileges", host, port, failure.getMessage()),
                        failure)))
                .map(bound -> {
                    log.info("DNS server for zone {} listening on {}:{} (UDP and TCP)", zone, host, port());
                    return this;
                });
    }

    private Future<Void> bind(String host, int port, int attemptsLeft) {
        DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions().setIpV6(host.contains(":")));
        // Each handler answers through its own socket: packets may arrive before udp is set, or after close().
        socket.handler(packet -> onDatagram(socket, packet));
        return socket.listen(port, host).compose(listening -> {
            int chosen = listening.localAddress().port();
            NetServer server = vertx.createNetServer(new NetServerOptions()
                    .setIdleTimeout(TCP_IDLE_TIMEOUT_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
            server.connectHandler(this::onConnection);
            return server.listen(chosen, host).map(s -> {
                udp = socket;
                tcp = server;
                return (Void) null;
            }).recover(failure -> socket.close().transform(closed -> attemptsLeft > 1
                    // Port 0: the number the kernel gave UDP is taken on TCP; try another.
                    ? bind(host, port, attemptsLeft - 1)
                    : Future.failedFuture(failure)));
        });
    }

    /** The port number both transports listen on. */
    public int port() {
        if (udp == null) {
            throw new IllegalStateException("the DNS server is not listening; call listen first");
        }
        return udp.localAddress().port();
    }

    /** Stops both transports; open TCP connections are closed. */
    public Future<Void> close() {
        DatagramSocket socket = udp;
        NetServer server = tcp;
        udp = null;
        tcp = null;
        Future<Void> udpClosed = socket == null ? Future.succeededFuture() : socket.close();
        Future<Void> tcpClosed = server == null ? Future.succeededFuture() : server.close();
        return Future.join(udpClosed, tcpClosed).mapEmpty();
    }

    private void onDatagram(DatagramSocket socket, DatagramPacket packet) {
        SocketAddress sender = packet.sender();
        answer(packet.data(), sender, Transport.UDP).ifPresent(response ->
                socket.send(Buffer.buffer(response), sender.port(), sender.hostAddress())
                        .onFailure(e -> log.debug("could not send a DNS response to {}: {}", sender, e.getMessage())));
    }

    private void onConnection(NetSocket socket) {
        new TcpConnection(socket).start();
    }

    /** The response to one query, or empty; never throws, so no packet can take the server down. */
    private Optional<byte[]> answer(Buffer query, SocketAddress sender, Transport transport) {
        try {
            Optional<InetAddress> client = address(sender);
            if (client.isEmpty()) {
                metrics.dropped(DropReason.MALFORMED);
                return Optional.empty();
            }
            return responder.respond(query.getBytes(), client.get(), transport);
        } catch (RuntimeException e) {
            log.debug("failed to answer a DNS query from {}", sender, e);
            metrics.dropped(DropReason.INTERNAL);
            return Optional.empty();
        }
    }

    private static Optional<InetAddress> address(SocketAddress sender) {
        String text = sender.hostAddress();
        int scope = text == null ? -1 : text.indexOf('%');
        // An IPv6 literal may carry a zone index (fe80::1%eth0); the routing only wants the address.
        return Cidr.literal(scope < 0 ? text : text.substring(0, scope));
    }

    /** One TCP connection: length-prefixed queries in, length-prefixed responses out, in order. */
    private final class TcpConnection {

        private final NetSocket socket;
        private final RecordParser parser = RecordParser.newFixed(2);
        private boolean awaitingLength = true;
        // RecordParser holds back the bytes of an unfinished record without saying so; these two counts show them.
        private long received;
        private long consumed;
        private boolean closedByUs;

        TcpConnection(NetSocket socket) {
            this.socket = socket;
        }

        void start() {
            parser.handler(this::onRecord);
            socket.handler(bytes -> {
                received += bytes.length();
                parser.handle(bytes);
            });
            socket.closeHandler(closed -> {
                // Closed (by the client, or by the idle timeout) in the middle of a message: usually a client
                // giving up, sometimes garbage on the port. Either way it got no answer, so it is counted.
                if (!closedByUs && (!awaitingLength || received > consumed)) {
                    metrics.dropped(DropReason.INCOMPLETE);
                }
            });
            socket.exceptionHandler(e -> log.debug("DNS TCP connection from {} failed: {}",
                    socket.remoteAddress(), e.getMessage()));
        }

        private void onRecord(Buffer record) {
            if (closedByUs) {
                return;
            }
            consumed += record.length();
            if (awaitingLength) {
                int length = record.getUnsignedShort(0);
                if (length == 0) {
                    metrics.dropped(DropReason.MALFORMED);
                    log.debug("closing a DNS TCP connection from {}: it sent a zero-length message",
                            socket.remoteAddress());
                    close();
                    return;
                }
                awaitingLength = false;
                parser.fixedSizeMode(length);
                return;
            }
            awaitingLength = true;
            parser.fixedSizeMode(2);
            Optional<byte[]> response = answer(record, socket.remoteAddress(), Transport.TCP);
            if (response.isEmpty()) {
                // After one message that did not parse, the framing of the rest of the stream cannot be trusted.
                close();
                return;
            }
            byte[] bytes = response.get();
            socket.write(Buffer.buffer(bytes.length + 2).appendUnsignedShort(bytes.length).appendBytes(bytes));
            if (socket.writeQueueFull()) {
                // A client that pipelines queries but does not read the answers: stop reading until it does.
                socket.pause();
                socket.drainHandler(drained -> socket.resume());
            }
        }

        private void close() {
            closedByUs = true;
            socket.close();
        }
    }
}
