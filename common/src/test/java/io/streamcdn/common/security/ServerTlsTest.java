package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;
import io.streamcdn.common.testing.Https;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the TLS flags accept, the one-line refusals naming the flag, and a server that speaks HTTP/2 over it. */
class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void aSelfSignedCertificateNamesTheHostAndThisMachineAndIsFingerprinted() throws Exception {
        TrialCertificate made = TrialCertificate.create(List.of("cdn.example.test", "0.0.0.0", "192.0.2.7"));
        X509Certificate certificate = made.certificate();

        assertThat(made.names()).contains("cdn.example.test", "192.0.2.7", "localhost", "127.0.0.1", "::1")
                .doesNotContain("0.0.0.0");
        assertThat(certificate.getSubjectAlternativeNames()).extracting(entry -> entry.get(1).toString())
                .contains("cdn.example.test", "localhost", "192.0.2.7", "127.0.0.1");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        certificate.checkValidity();
        certificate.verify(certificate.getPublicKey());

        ServerTls tls = ServerTls.selfSigned(List.of("cdn.example.test"));
        assertThat(tls.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(tls.describe()).isEqualTo("self-signed");
    }

    @Test
    void pemFilesServeHttp2ByAlpnToAClientThatTrustsTheCertificate() throws Exception {
        TrialCertificate made = TrialCertificate.create(List.of());
        Path cert = Files.writeString(dir.resolve("cert.pem"), made.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), made.keyPem());
        ServerTls tls = ServerTls.fromFlags(cert, key, false, List.of()).orElseThrow();
        assertThat(tls.describe()).isEqualTo(cert.toAbsolutePath().toString());

        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer(ServerTls.configure(new HttpServerOptions(), Optional.of(tls)))
                    .requestHandler(request -> request.response().end("over " + request.version()))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

            Https.Answer answer = Https.get("https://127.0.0.1:" + server.actualPort() + "/", made.certificatePem());
            Https.Answer byName = Https.get("https://localhost:" + server.actualPort() + "/", made.certificatePem());

            assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(answer.body()).isEqualTo("over HTTP_2");
            assertThat(byName.status()).isEqualTo(200);
            assertThatThrownBy(() -> Https.get("https://127.0.0.1:" + server.actualPort() + "/",
                    TrialCertificate.create(List.of()).certificatePem()))
                    .as("a client trusting another certificate")
                    .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void noFlagsMeanPlainHttp() {
        assertThat(ServerTls.fromFlags(null, null, false, List.of())).isEmpty();
        assertThat(ServerTls.fromFlags(Path.of(""), Path.of(""), false, List.of())).isEmpty();
    }

    @Test
    void badFilesAreOneLineNamingTheFlag() throws Exception {
        TrialCertificate made = TrialCertificate.create(List.of());
        Path cert = Files.writeString(dir.resolve("cert.pem"), made.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), made.keyPem());
        Path otherKey = Files.writeString(dir.resolve("other-key.pem"), TrialCertificate.create(List.of()).keyPem());
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> ServerTls.fromFlags(missing, key, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--tls-cert " + missing + " cannot be read");
        assertThatThrownBy(() -> ServerTls.fromFlags(cert, missing, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--tls-key " + missing + " cannot be read");
        assertThatThrownBy(() -> ServerTls.fromFlags(garbage, key, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-cert " + garbage);
        Path binary = Files.write(dir.resolve("binary.der"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80});
        assertThatThrownBy(() -> ServerTls.fromFlags(binary, key, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-cert " + binary + " is not a PEM");
        assertThatThrownBy(() -> ServerTls.fromFlags(cert, garbage, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--tls-key " + garbage);
        assertThatThrownBy(() -> ServerTls.fromFlags(cert, otherKey, false, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--tls-key " + otherKey + " is not the private key of the certificate in --tls-cert " + cert);
        assertThatThrownBy(() -> ServerTls.fromFlags(cert, null, false, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--tls-cert and --tls-key go together");
        assertThatThrownBy(() -> ServerTls.fromFlags(cert, key, true, List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--tls-self-signed");
        for (Throwable t : List.of(catchConfig(() -> ServerTls.fromFlags(cert, garbage, false, List.of())),
                catchConfig(() -> ServerTls.fromFlags(garbage, key, false, List.of())))) {
            assertThat(t.getMessage()).doesNotContain("\n");
        }
    }

    @Test
    void theFingerprintIsTheCertificatesSha256() throws Exception {
        ServerTls tls = ServerTls.selfSigned(List.of());
        X509Certificate certificate = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(tls.certificatePem().getBytes()));

        assertThat(tls.sha256Fingerprint().replace(":", "")).isEqualToIgnoringCase(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
    }

    private static Throwable catchConfig(Runnable action) {
        try {
            action.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("no ConfigException");
    }
}
