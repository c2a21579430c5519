package io.streamcdn.edge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault: a TCP relay in front of a real upstream that, while armed, closes each connection after
 * relaying {@code cutAfter} bytes of the response to a {@code /videos/} request: the upstream "breaks off
 * mid-body".
 */
public final class CuttingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final int upstreamPort;
    private final long cutAfter;
    private final AtomicInteger armedConnections;

    /** Cuts the next {@code connections} connections after {@code cutAfter} response bytes. */
    public CuttingProxy(int upstreamPort, long cutAfter, int connections) throws IOException {
        this.upstreamPort = upstreamPort;
        this.cutAfter = cutAfter;
        this.armedConnections = new AtomicInteger(connections);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                // Only connections carrying video requests are cut (not the edge's health probes).
                byte[] first = new byte[8192];
                int n = client.getInputStream().read(first);
                if (n <= 0) {
                    client.close();
                    upstream.close();
                    continue;
                }
                upstream.getOutputStream().write(first, 0, n);
                boolean isVideo = new String(first, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1).contains(" /videos/");
                boolean cut = isVideo && armedConnections.getAndDecrement() > 0;
                pump(client.getInputStream(), upstream.getOutputStream(), Long.MAX_VALUE, upstream, client);
                pump(upstream.getInputStream(), client.getOutputStream(), cut ? cutAfter : Long.MAX_VALUE, upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(InputStream in, OutputStream out, long limit, Socket a, Socket b) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            long relayed = 0;
            try {
                int n;
                while (relayed < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - relayed))) > 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    relayed += n;
                }
                if (relayed >= limit) {
                    Thread.sleep(200); // the receiver is surely reading the body by now: cut it mid-stream
                }
            } catch (IOException ignored) {
                // either side went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    a.close();
                    b.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }, "cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
