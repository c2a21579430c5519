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
 * Headless Chromium for a test class: one browser per class (starting one costs about a second), a fresh
 * {@link BrowserTab} per test, handed to any test method that declares one as a parameter.
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

    private record Session(Playwright playwright, Browser browser) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Chromium chromium = Chromium.configured();
        Playwright playwright = Chromium.playwright();
        try {
            context.getStore(NAMESPACE).put(Session.class, new Session(playwright, chromium.launch(playwright)));
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Session session = context.getStore(NAMESPACE).remove(Session.class, Session.class);
        if (session != null) {
            session.browser().close();
            session.playwright().close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Session session = context.getStore(NAMESPACE).get(Session.class, Session.class);
        if (session == null) {
            throw new IllegalStateException("ChromiumExtension must be registered on the class (static field or @ExtendWith)");
        }
        context.getStore(NAMESPACE).put(BrowserTab.class, new BrowserTab(session.browser().newContext()));
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
