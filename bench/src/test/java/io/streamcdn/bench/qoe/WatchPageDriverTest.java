package io.streamcdn.bench.qoe;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The driver in the real headless Chromium, against a stand-in page that implements the contract's
 * {@code window.streamcdn} hooks and downloads real bytes through the real shaping proxy at 2 Mbit/s.
 */
class WatchPageDriverTest {

    private static FixtureSite site;
    private static ShapingProxy proxy;
    private static WatchPageDriver driver;

    @BeforeAll
    static void start() throws Exception {
        site = FixtureSite.start();
        proxy = ShapingProxy.start(site.port(), BandwidthTrace.constant(2.0), Duration.ofMillis(40));
        driver = WatchPageDriver.launch(WatchPageDriver.SYSTEM_CHROMIUM);
    }

    @AfterAll
    static void stop() throws Exception {
        driver.close();
        proxy.close();
        site.close();
    }

    @Test
    void readsEverySegmentEventAndStatThePageRecordedOnceTheVideoEnds() {
        // One-second segments; the two at 4.3 Mbit/s take 2.15 s each over the 2 Mbit/s link: two stalls.
        String url = site.url("/watch.html?abr=stock&rungs=0,5,5,0,0,0&edge=" + proxy.url());

        PlaybackLog log = driver.play(url, 1e9, Duration.ofSeconds(20), Duration.ofSeconds(60));

        assertThat(log.ended()).isTrue();
        assertThat(log.playedSeconds()).isCloseTo(6.0, within(0.05));
        assertThat(log.pageErrors()).isEmpty();
        assertThat(log.segments()).extracting(PlaybackLog.Segment::index).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(log.segments()).extracting(PlaybackLog.Segment::rungIndex).containsExactly(0, 5, 5, 0, 0, 0);
        assertThat(log.segments()).allSatisfy(s -> {
            assertThat(s.bytes()).isEqualTo(FixtureSite.segmentBytes(s.rungIndex()));
            assertThat(s.url()).startsWith(proxy.url() + "/seg/");
            // Shaped: at least the round trip plus the bytes at 2 Mbit/s (10 % slack for tick bursts).
            assertThat(s.ms()).isGreaterThanOrEqualTo(80 + 0.9 * s.bytes() * 8 / 2e6 * 1000);
        });
        assertThat(log.events()).extracting(PlaybackLog.Event::type).contains("startup", "rebuffer-start", "rebuffer-end");
        assertThat(log.stats().getInteger("rebuffers")).isEqualTo(2);
        assertThat(log.wallSeconds()).isBetween(6.0, 30.0);

        QoeScore score = QoeScore.of(log, PensieveLadder.STANDARD);
        assertThat(score.rebufferSeconds()).isBetween(1.5, 5.0);
        assertThat(score.rebufferSeconds()).isCloseTo(log.stats().getDouble("rebufferSeconds"), within(0.1));
        assertThat(score.switches()).isEqualTo(2);
        assertThat(score.qoeLin()).isCloseTo((4 * 0.3 + 2 * 4.3) - 4.3 * score.rebufferSeconds() - 2 * 4.0, within(1e-9));
        assertThat(score.startupSeconds()).isBetween(0.05, 5.0);
    }

    @Test
    void stopsOnceTheVideoHasPlayedTheTimeAsked() {
        String url = site.url("/watch.html?rungs=" + String.join(",", List.of("0", "0", "0", "0", "0", "0", "0", "0", "0", "0"))
                + "&edge=" + proxy.url());

        PlaybackLog log = driver.play(url, 3.0, Duration.ofSeconds(20), Duration.ofSeconds(60));

        assertThat(log.ended()).isTrue(); // played what was asked: not a cut session
        assertThat(log.playedSeconds()).isBetween(3.0, 5.0);
    }

    @Test
    void aSessionIsCutAtItsWallTimeLimit() {
        // 30 s of video to play, 4 s allowed.
        String url = site.url("/watch.html?rungs=0,0,0,0,0,0,0,0,0,0&segment=3&edge=" + proxy.url());

        PlaybackLog log = driver.play(url, 1e9, Duration.ofSeconds(20), Duration.ofSeconds(4));

        assertThat(log.ended()).isFalse();
        assertThat(log.wallSeconds()).isBetween(3.5, 8.0);
        assertThat(log.playedSeconds()).isLessThan(6.0);
    }

    @Test
    void startupIsReadBothAsThePlayerMeasuresItAndFromNavigation() {
        WatchPageDriver.Startup startup = driver.startup(site.url("/watch.html?rungs=0&edge=" + proxy.url()),
                Duration.ofSeconds(20));

        assertThat(startup.playerSeconds()).isBetween(0.05, 5.0);
        // The stand-in starts its clock after the page has loaded: navigation adds to it, never subtracts.
        assertThat(startup.pageSeconds()).isGreaterThanOrEqualTo(startup.playerSeconds()).isLessThan(10.0);
    }

    @Test
    void aPageWithoutTheHooksIsRefusedWithItsAddress() {
        String url = site.url("/blank.html");

        assertThatThrownBy(() -> driver.play(url, 1e9, Duration.ofSeconds(2), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(url).hasMessageContaining("showed no first frame");
    }
}
