package io.streamcdn.common.testing;

import io.streamcdn.common.http.RequestLimits;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests just past {@link RequestLimits}, sent over a plain socket to 127.0.0.1 (well-behaved clients refuse
 * to send them), and what every role must answer: a JSON error with a reason, then a closed connection.
 */
public final class OversizedRequests {

    private OversizedRequests() {
    }

    /** A status line and headers, the body, and whether the server closed the connection after it. */
    public record Answer(int status, String head, String text, boolean closed) {

        public JsonObject body() {
            return new JsonObject(text);
        }
    }

    /** {@code GET} of {@code path} padded with a query to one byte over the request-line limit: 414. */
    public static Answer uriOverTheLimit(int port, String path) throws IOException {
        String padding = "?pad=" + "a".repeat(RequestLimits.MAX_REQUEST_LINE_BYTES);
        return exchange(port, "GET " + path + padding + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    /** {@code GET} of {@code path} with one header larger than the limit on all headers: 431. */
    public static Answer headersOverTheLimit(int port, String path) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: c="
                + "b".repeat(RequestLimits.MAX_HEADER_BYTES) + "\r\n\r\n");
    }

    /** Asserts a 414 or 431 with its error code and a reason, and a closed connection. */
    public static void assertRefused(Answer answer, int status, String error) {
        assertThat(answer.status()).as(answer.head()).isEqualTo(status);
        assertThat(answer.head()).containsIgnoringCase("content-type: application/json");
        assertThat(answer.body().getString("error")).isEqualTo(error);
        assertThat(answer.body().getString("reason")).contains("bytes this");
        assertThat(answer.closed()).as("the connection is closed after the refusal").isTrue();
    }

    /** Sends {@code request} as is and reads the answer until the server closes (10 s at most). */
    public static Answer exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            boolean closed = readUntilClosed(socket.getInputStream(), all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("a complete response head in: " + text).isPositive();
            String head = text.substring(0, end);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            return new Answer(status, head, text.substring(end + 4), closed);
        }
    }

    private static boolean readUntilClosed(InputStream in, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                into.write(buffer, 0, n);
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true; // closed with a reset (our unread request bytes): closed all the same
        }
    }
}
