package io.streamcdn.e2e.browser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What a failing browser test leaves behind: runs tests that fail on purpose through JUnit's own engine and
 * checks the report. The build never runs those by themselves (their tag is excluded in the pom).
 */
class FailureReportTest {

    static final String DELIBERATELY_FAILING = "deliberately-failing";

    /** Fails on purpose; run only through {@link EngineTestKit} below. */
    @Tag(DELIBERATELY_FAILING)
    static class DeliberatelyFailing {

        @RegisterExtension
        static final ChromiumExtension CHROMIUM = new ChromiumExtension();

        @Test
        void assertionFailsAfterThePageLogged(BrowserTab tab) {
            tab.page().setContent("<h1>deliberately failing</h1><script>console.warn('marker-7f3a from the page')</script>");
            tab.page().waitForFunction("() => document.readyState === 'complete'");
            fail("the test's own assertion");
        }

        @Test
        void pageAsksForAHostOffThisMachine(BrowserTab tab) {
            // .invalid never resolves, and the browser resolves no name but localhost: nothing leaves the machine.
            tab.page().setContent("<img src='http://streamcdn.invalid/pixel.png'>");
            tab.page().waitForFunction("() => document.readyState === 'complete'");
        }
    }

    /** The deliberately failing tests' failures, by test name: run once (one browser) for both checks below. */
    static Map<String, Throwable> failures;

    @BeforeAll
    static void runTheDeliberatelyFailingTests() throws IOException {
        Path dir = ChromiumExtension.artifactsDir().resolve(DeliberatelyFailing.class.getSimpleName());
        Files.deleteIfExists(dir.resolve("assertionFailsAfterThePageLogged.png"));
        Files.deleteIfExists(dir.resolve("assertionFailsAfterThePageLogged.log"));
        List<Event> failed = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(DeliberatelyFailing.class))
                .execute()
                .allEvents()
                .failed()
                .list();
        failures = new HashMap<>();
        for (Event event : failed) {
            failures.put(event.getTestDescriptor().getLegacyReportingName(),
                    event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow());
        }
    }

    @Test
    void failureSavesAScreenshotAndTheConsoleAndQuotesTheConsoleInTheMessage() throws IOException {
        Path dir = ChromiumExtension.artifactsDir().resolve(DeliberatelyFailing.class.getSimpleName());
        Path shot = dir.resolve("assertionFailsAfterThePageLogged.png");
        Path log = dir.resolve("assertionFailsAfterThePageLogged.log");

        Throwable failure = failureOf("assertionFailsAfterThePageLogged");

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the test's own assertion")
                .hasMessageContaining("--- browser console")
                .hasMessageContaining("[warning] marker-7f3a from the page")
                .hasMessageContaining(shot.toString());
        assertThat(failure.getCause()).hasMessage("the test's own assertion");
        byte[] png = Files.readAllBytes(shot);
        assertThat(png).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(log)).contains("marker-7f3a from the page");
    }

    @Test
    void aPageAskingForAHostOffThisMachineFailsTheTest() {
        Throwable failure = failureOf("pageAsksForAHostOffThisMachine");

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("off this machine")
                .hasMessageContaining("http://streamcdn.invalid/pixel.png");
    }

    private static Throwable failureOf(String test) {
        assertThat(failures).as("failures of the deliberately failing tests").hasSize(2);
        return failures.entrySet().stream().filter(e -> e.getKey().startsWith(test + "(")).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no failure of " + test + " in " + failures.keySet()));
    }
}
