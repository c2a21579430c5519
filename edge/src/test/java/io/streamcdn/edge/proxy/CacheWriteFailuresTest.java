package io.streamcdn.edge.proxy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamcdn.edge.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Failed cache writes: every one counted, the log written once per minute at most, with what it left out. */
class CacheWriteFailuresTest {

    @Test
    void everyFailureIsCountedAndTheLogSaysSoOncePerMinuteWithTheSkippedCount() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MutableClock clock = new MutableClock();
        CacheWriteFailures failures = new CacheWriteFailures(registry, clock);
        Logger logger = (Logger) LoggerFactory.getLogger(CacheWriteFailures.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            IOException full = new IOException("No space left on device");
            for (int i = 0; i < 5; i++) {
                failures.record("/videos/v/720p/seg-0000" + i + ".m4s", full);
            }
            clock.advance(Duration.ofSeconds(59));
            failures.record("/videos/v/720p/seg-00005.m4s", full);
            assertThat(log.list).hasSize(1);
            assertThat(log.list.get(0).getFormattedMessage())
                    .startsWith("a cache write failed: No space left on device (writing /videos/v/720p/seg-00000.m4s)");

            clock.advance(Duration.ofSeconds(2)); // a minute after the first line
            failures.record("/videos/v/720p/seg-00006.m4s", full);

            assertThat(log.list).hasSize(2);
            assertThat(log.list.get(1).getFormattedMessage())
                    .startsWith("a cache write failed (and 5 more since the last report): No space left on device");
            assertThat(registry.get("streamcdn.edge.cache.write.failures").counter().count()).isEqualTo(7);
        } finally {
            logger.detachAppender(log);
        }
    }
}
