package io.streamcdn.e2e.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Headless Chromium for a test class: one browser per class, a fresh {@link BrowserTab} (its own context: no
 * cache, cookies or storage shared) per test, handed to any test method that declares one as a parameter.
 *
 * <p>When a test fails, the tab's pages are photographed and their console written to
 * {@code target/e2e-artifacts/<class>/<test>.png|.log}, and the assertion message gets the end of the console
 * appended: a browser test's failure says what the page was doing. A test that passes but whose pages asked
 * for anything off this machine fails here (the tests talk to 127.0.0.1 only).
 *
 * <p>State lives in JUnit's extension store, never in static fields.
 */
public final class ChromiumExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler {

    public static final String ARTIFACTS_PROPERTY = "streamcdn.e2e.artifacts";
    /** Console lines quoted in a failure message; the artifact file has all of them. */
    private static final int CONSOLE_LINES_IN_MESSAGE = 60;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChromiumExtension.class);

    /**
     * Playwright's driver (a Node.js process) for the whole run: it is the slow part to start (seconds on a busy
     * machine), browsers are not. Kept in the run's root store, which closes it when the run ends.
     */
    private record Driver(Playwright playwright) implements AutoCloseable {
        @Override
        public void close() {
            playwright.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Chromium chromium = Chromium.configured();
        long started = System.nanoTime();
        Playwright playwright = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Driver.class, key -> new Driver(Chromium.playwright()), Driver.class).playwright();
        long driverReady = System.nanoTime();
        Browser browser = chromium.launch(playwright);
        System.out.printf("e2e: Playwright's driver up in %.1f s, %s %s launched in %.1f s%n", (driverReady - started) / 1e9,
                chromium.executable(), browser.version(), (System.nanoTime() - driverReady) / 1e9);
        context.getStore(NAMESPACE).put(Browser.class, browser);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Browser browser = context.getStore(NAMESPACE).remove(Browser.class, Browser.class);
        if (browser != null) {
            browser.close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Browser browser = context.getStore(NAMESPACE).get(Browser.class, Browser.class);
        if (browser == null) {
            throw new IllegalStateException("ChromiumExtension must be registered on the class (static field or @ExtendWith)");
        }
        context.getStore(NAMESPACE).put(BrowserTab.class, new BrowserTab(browser.newContext()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BrowserTab tab = context.getStore(NAMESPACE).remove(BrowserTab.class, BrowserTab.class);
        if (tab == null) {
            return;
        }
        List<String> offMachine = tab.requestsOffThisMachine();
        tab.close();
        if (context.getExecutionException().isEmpty() && !offMachine.isEmpty()) {
            throw new AssertionError("the pages asked for something off this machine: " + offMachine);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrowserTab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(BrowserTab.class, BrowserTab.class);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        BrowserTab tab = context.getStore(NAMESPACE).get(BrowserTab.class, BrowserTab.class);
        if (tab == null) {
            throw failure;
        }
        Path dir = artifactsDir().resolve(context.getRequiredTestClass().getSimpleName());
        String name = context.getRequiredTestMethod().getName();
        StringBuilder report = new StringBuilder();
        try {
            Files.createDirectories(dir);
            List<Page> pages = tab.context().pages();
            for (int i = 0; i < pages.size(); i++) {
                Path shot = dir.resolve(name + (i == 0 ? "" : "-" + (i + 1)) + ".png");
                try {
                    pages.get(i).screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true).setTimeout(10_000));
                    report.append("screenshot ").append(shot).append(" (").append(pages.get(i).url()).append(")\n");
                } catch (RuntimeException e) {
                    report.append("no screenshot of ").append(pages.get(i).url()).append(": ").append(e.getMessage()).append('\n');
                }
            }
            Path log = dir.resolve(name + ".log");
            Files.writeString(log, String.join("\n", tab.console()) + "\n", StandardCharsets.UTF_8);
            report.append("console log ").append(log).append('\n');
        } catch (IOException e) {
            report.append("could not save artifacts in ").append(dir).append(": ").append(e).append('\n');
        }
        List<String> console = tab.console();
        List<String> tail = console.subList(Math.max(0, console.size() - CONSOLE_LINES_IN_MESSAGE), console.size());
        AssertionError withConsole = new AssertionError(failure.getMessage() + "\n--- browser console ("
                + (tail.size() < console.size() ? "last " + tail.size() + " of " + console.size() + " lines" : console.size() + " lines")
                + ") ---\n" + String.join("\n", tail) + "\n--- " + report.toString().strip(), failure);
        withConsole.setStackTrace(failure.getStackTrace());
        throw withConsole;
    }

    static Path artifactsDir() {
        String property = System.getProperty(ARTIFACTS_PROPERTY);
        return property == null || property.isBlank() ? Path.of("target", "e2e-artifacts") : Path.of(property);
    }
}
