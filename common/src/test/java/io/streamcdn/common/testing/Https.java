package io.streamcdn.common.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.concurrent.TimeUnit;

/**
 * A client that offers HTTP/2 by ALPN and trusts exactly one certificate (the role's), checking the host name
 * against it as any browser would: what a role served over TLS must satisfy.
 */
public final class Https {

    /** What came back, and over which protocol. */
    public record Answer(HttpVersion version, int status, String body) {
    }

    private Https() {
    }

    public static Answer get(String url, String trustedCertificatePem) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                    .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true).setVerifyHost(true)
                    // A loaded 2-core machine can take longer than Vert.x's 10 s default for a first handshake.
                    .setSslHandshakeTimeout(60).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
                    .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustedCertificatePem))));
            return client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url))
                    .compose(request -> request.send())
                    .compose(response -> response.body().map(body -> new Answer(response.version(),
                            response.statusCode(), body.toString())))
                    .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
