package io.streamcdn.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A viewer on a slow line: one HTTP/1.1 GET whose body is read at a bounded pace through a small receive buffer, so
 * the server is still sending long after the request was made.
 */
final class SlowDownload implements AutoCloseable {

    private static final int CHUNK = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final long contentLength;
    private long received;

    private SlowDownload(Socket socket, InputStream in, int status, long contentLength) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.contentLength = contentLength;
    }

    /** Sends the request and reads the response's headers. */
    static SlowDownload start(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(32 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed inside the headers: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        long length = -1;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return new SlowDownload(socket, in, status, length);
    }

    int status() {
        return status;
    }

    long contentLength() {
        return contentLength;
    }

    long received() {
        return received;
    }

    /**
     * Reads until {@code bytes} of the body have arrived (or the body ends), {@value #CHUNK} bytes per
     * {@code pauseMillis} ms at most.
     *
     * @return false when the connection ended first
     */
    boolean readUntil(long bytes, long pauseMillis) throws IOException, InterruptedException {
        byte[] buffer = new byte[CHUNK];
        while (received < bytes) {
            int n;
            try {
                n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - received));
            } catch (java.net.SocketException reset) {
                return false; // cut off by the server
            }
            if (n < 0) {
                return false;
            }
            received += n;
            Thread.sleep(pauseMillis);
        }
        return true;
    }

    /** Reads the rest of the body at the same pace; true when all {@link #contentLength()} bytes arrived. */
    boolean readToEnd(long pauseMillis) throws IOException, InterruptedException {
        return readUntil(contentLength, pauseMillis) && received == contentLength;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
