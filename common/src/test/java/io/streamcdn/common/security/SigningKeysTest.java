package io.streamcdn.common.security;

import io.streamcdn.common.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key file: its format, every way it can be wrong (one line each), and that no message shows a secret. */
class SigningKeysTest {

    private static final String SECRET_1 = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg=";
    private static final String SECRET_2 = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(48, 7));

    @TempDir
    Path dir;

    @Test
    void readsKeysInOrderSkippingCommentsAndBlankLinesTheFirstSigning() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "# rotation in progress\r\n\n  k2:" + SECRET_2
                + "  \r\n# old one\nk1:" + SECRET_1 + "\n");

        SigningKeys keys = SigningKeys.fromFile(file.toString()).orElseThrow();

        assertThat(keys.ids()).containsExactly("k2", "k1");
        assertThat(keys.signing().id()).isEqualTo("k2");
        assertThat(keys.find("k1")).isPresent();
        assertThat(keys.find("k3")).isEmpty();
        assertThat(keys.describe()).isEqualTo(file + " (k2, k1)");
        assertThat(keys.toString() + keys.describe() + keys.signing()).doesNotContain(SECRET_1).doesNotContain(SECRET_2);
    }

    @Test
    void noFileMeansNoSigning() {
        assertThat(SigningKeys.fromFile("")).isEmpty();
        assertThat(SigningKeys.fromFile(null)).isEmpty();
    }

    @Test
    void theSameSecretSignsTheSameInBase64AndBase64Url() {
        byte[] secret = new byte[36]; // "++++////" in base64, "----____" in base64url
        for (int i = 0; i < secret.length; i += 6) {
            System.arraycopy(new byte[] {(byte) 0xfb, (byte) 0xef, (byte) 0xbe, -1, -1, -1}, 0, secret, i, 6);
        }
        String standard = Base64.getEncoder().encodeToString(secret);
        String url = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        assertThat(standard).isNotEqualTo(url);

        byte[] a = SigningKeys.parse("k:" + standard, "a").signing().hmac(new byte[] {1});
        byte[] b = SigningKeys.parse("k:" + url, "b").signing().hmac(new byte[] {1});

        assertThat(a).isEqualTo(b);
    }

    @Test
    void anUnreadableFileIsOneLine() {
        Path missing = dir.resolve("none");
        assertThatThrownBy(() -> SigningKeys.fromFile(missing.toString())).isInstanceOf(ConfigException.class)
                .hasMessage("--signing-keys-file " + missing + " cannot be read");
        assertThatThrownBy(() -> SigningKeys.fromFile(dir.toString())).hasMessageContaining("cannot be read");
    }

    @Test
    void everyMistakeNamesTheFileAndLineAndNeverTheSecret() {
        String shortSecret = Base64.getEncoder().encodeToString(bytes(16, 1));
        assertRefused("k1:" + shortSecret, "F line 1 (key k1): the secret is 16 bytes; use 32 to 1024", shortSecret);
        assertRefused("# c\n" + SECRET_1, "F line 2 is not a key: write id:base64secret", SECRET_1);
        assertRefused("k1:" + SECRET_1 + "\nk1:" + SECRET_2, "F line 2: key id k1 is listed twice", SECRET_2);
        assertRefused("key one:" + SECRET_1, "F line 1: the key id must be 1 to 32 letters", SECRET_1);
        assertRefused(":" + SECRET_1, "F line 1 is not a key", SECRET_1);
        assertRefused("k1:", "F line 1 (key k1) has no secret after the ':'", "\u0000");
        assertRefused("k1:not*base64!" + SECRET_1, "F line 1 (key k1): the secret is not base64", SECRET_1);
        assertRefused("k1:Zm9vY", "F line 1 (key k1): the secret is not base64", "Zm9vY");
        assertRefused("# only comments\n\n", "F holds no key", "\u0000");
        assertRefused("a:" + SECRET_1 + "\nb:" + SECRET_2 + "\nc:" + SECRET_1,
                "F holds 3 keys; give one, or two while rotating", SECRET_1);
    }

    @Test
    void aBinaryFileIsRefusedAsNotAKey() throws Exception {
        Path file = Files.write(dir.resolve("keys.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});

        assertThatThrownBy(() -> SigningKeys.fromFile(file.toString()))
                .hasMessage("--signing-keys-file " + file + " line 1 is not a key: write id:base64secret, like "
                        + "k1:<the output of 'openssl rand -base64 32'>");
    }

    private static void assertRefused(String text, String message, String secret) {
        assertThatThrownBy(() -> SigningKeys.parse(text, "F")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContain("\n"));
    }

    static byte[] bytes(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (seed + i * 31);
        }
        return bytes;
    }
}
