package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The certificate chain and private key a role serves HTTPS with (HTTP/2 by ALPN, HTTP/1.1 for clients
 * without it), from PEM files ({@code --tls-cert}, {@code --tls-key}) or made at start for trials
 * ({@code --tls-self-signed}, see {@link TrialCertificate}).
 *
 * <p>Everything is checked while the configuration is parsed, so a mistake is one line naming the flag and
 * exit status 2, not a stack trace from the TLS stack once the server starts: the files must be readable,
 * the certificate must parse, the key must parse (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted) and must be
 * the certificate's own, proved by signing with it and verifying with the certificate. The PEM text is then
 * handed to Vert.x as values, so the files are read once.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);

    private final String certificatePem;
    private final String keyPem;
    private final X509Certificate leaf;
    private final String description;

    private ServerTls(String certificatePem, String keyPem, X509Certificate leaf, String description) {
        this.certificatePem = certificatePem;
        this.keyPem = keyPem;
        this.leaf = leaf;
        this.description = description;
    }

    /**
     * TLS as the three flags ask: {@code --tls-cert} and {@code --tls-key} (both or neither; blank for none), or
     * {@code --tls-self-signed} for the host {@code names}, or plain HTTP (empty).
     */
    public static Optional<ServerTls> fromFlags(Path certificate, Path key, boolean selfSigned,
                                                Collection<String> names) {
        boolean hasCert = certificate != null && !certificate.toString().isBlank();
        boolean hasKey = key != null && !key.toString().isBlank();
        ConfigException.require(hasCert == hasKey,
                "--tls-cert and --tls-key go together: give both PEM files for HTTPS, or neither for plain HTTP");
        ConfigException.require(!(hasCert && selfSigned),
                "--tls-self-signed makes its own certificate; give it or --tls-cert/--tls-key, not both");
        if (hasCert) {
            return Optional.of(fromFiles(certificate, key));
        }
        return selfSigned ? Optional.of(selfSigned(names)) : Optional.empty();
    }

    /** A certificate chain and its key from PEM files, checked as the class comment says. */
    public static ServerTls fromFiles(Path certificate, Path key) {
        String chainText = read("--tls-cert", certificate);
        String keyText = read("--tls-key", key);
        List<X509Certificate> chain = certificates(certificate, chainText);
        PrivateKey privateKey = privateKey(key, keyText);
        ConfigException.require(belongTogether(chain.get(0), privateKey),
                "--tls-key %s is not the private key of the certificate in --tls-cert %s", key, certificate);
        return new ServerTls(chainText, keyText, chain.get(0), certificate.toAbsolutePath().toString());
    }

    /** A new self-signed certificate for {@code names}; logs its SHA-256 fingerprint for clients to pin. */
    public static ServerTls selfSigned(Collection<String> names) {
        TrialCertificate made = TrialCertificate.create(names);
        ServerTls tls = new ServerTls(made.certificatePem(), made.keyPem(), made.certificate(), "self-signed");
        LOG.info("made a self-signed certificate for {} (trials only: clients must trust it explicitly); "
                + "SHA-256 fingerprint {}", String.join(", ", made.names()), tls.sha256Fingerprint());
        return tls;
    }

    /** HTTPS with ALPN (h2, then http/1.1) on {@code options}. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        return options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
                .addCertValue(Buffer.buffer(certificatePem)).addKeyValue(Buffer.buffer(keyPem)));
    }

    /** HTTPS as {@link #applyTo} when {@code tls} is present, else cleartext HTTP/1.1 and h2c. */
    public static HttpServerOptions configure(HttpServerOptions options, Optional<ServerTls> tls) {
        return tls.map(t -> t.applyTo(options)).orElseGet(() -> options.setHttp2ClearTextEnabled(true));
    }

    /** The leaf certificate's SHA-256 fingerprint, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the certificate", e);
        }
    }

    /** The chain in PEM, for a client that trusts exactly this certificate (tests, trials). */
    public String certificatePem() {
        return certificatePem;
    }

    /** For a {@code describe()} line: the certificate file, or {@code self-signed}. Never the key. */
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return "tls=" + description;
    }

    private static String read(String flag, Path file) {
        ConfigException.require(Files.isRegularFile(file) && Files.isReadable(file), "%s %s cannot be read", flag, file);
        try {
            // Latin-1 decodes any bytes: a binary file given by mistake is then refused as "not PEM", not as a
            // decoding error.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(Path file, String text) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
            parsed.forEach(c -> chain.add((X509Certificate) c));
        } catch (CertificateException e) {
            throw new ConfigException("--tls-cert " + file + " is not a PEM certificate chain: " + e.getMessage());
        }
        ConfigException.require(!chain.isEmpty() && text.contains("-----BEGIN CERTIFICATE-----"),
                "--tls-cert %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", file);
        return chain;
    }

    private static PrivateKey privateKey(Path file, String text) {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (object.getClass().getSimpleName().contains("Encrypted")) {
                    throw new ConfigException("--tls-key " + file + " is encrypted; give the key without a "
                            + "passphrase (openssl pkey -in KEY -out PLAIN), readable by this role's user only");
                }
            }
        } catch (PEMException e) {
            throw new ConfigException("--tls-key " + file + " is not a PEM private key: " + e.getMessage());
        } catch (IOException e) {
            throw new ConfigException("--tls-key " + file + " cannot be read: " + e.getMessage());
        }
        throw new ConfigException("--tls-key " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    /** Whether a signature made with {@code key} verifies with the certificate's public key. */
    private static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> "Ed25519";
            case "ED448" -> "Ed448";
            default -> throw new ConfigException("--tls-key holds a " + key.getAlgorithm()
                    + " key; use an RSA, EC or Ed25519 key");
        };
        byte[] challenge = "streamcdn key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a key of another type than the certificate's, for one
        }
    }
}
