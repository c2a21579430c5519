package io.streamcdn.e2e.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The browser the end-to-end tests drive: the system's Chromium (Debian's {@code chromium} package), never a
 * browser Playwright downloads. Read once from the {@code streamcdn.chromium} system property.
 *
 * <p>{@code --no-sandbox}: CI runs as root, where Chromium's sandbox refuses to start. {@code --disable-gpu}:
 * no GPU on the test machines. Autoplay without a gesture, so a page can start playback the way a user's click
 * would. Playwright's default switches turn off most of Chromium's background traffic, but it still looks up
 * its update servers' names (seen with strace): the host resolver rule makes every name but this machine's
 * fail inside the browser, so it sends nothing off 127.0.0.1, not even a DNS query.
 */
public record Chromium(Path executable, List<String> args) {

    public static final String PROPERTY = "streamcdn.chromium";
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/bin/chromium");
    static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1");
    /** Set for the driver as well as by the build, so a run from an IDE never downloads browsers either. */
    static final Map<String, String> DRIVER_ENV = Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");

    public Chromium {
        args = List.copyOf(args);
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("no Chromium at " + executable + ": install it (Debian: apt-get install chromium)"
                    + " or point -D" + PROPERTY + "=... at a Chromium or Chrome binary");
        }
    }

    /** The configured browser: {@code -Dstreamcdn.chromium}, else {@code /usr/bin/chromium}. */
    public static Chromium configured() {
        String property = System.getProperty(PROPERTY);
        Path executable = property == null || property.isBlank() ? DEFAULT_EXECUTABLE : Path.of(property.trim());
        return new Chromium(executable, ARGS);
    }

    /** Starts Playwright's driver, telling it not to fetch browsers of its own. */
    public static Playwright playwright() {
        String driverDir = System.getProperty("playwright.driver.tmpdir");
        if (driverDir != null) {
            try {
                Files.createDirectories(Path.of(driverDir)); // the driver unpacks itself into a new folder under it
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot create " + driverDir, e);
            }
        }
        return Playwright.create(new Playwright.CreateOptions().setEnv(DRIVER_ENV));
    }

    /** A headless instance of this browser. */
    public Browser launch(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable)
                .setHeadless(true)
                .setArgs(args)
                .setTimeout(60_000));
    }
}
