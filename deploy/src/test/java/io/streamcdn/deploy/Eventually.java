package io.streamcdn.deploy;

import java.time.Duration;

/**
 * Waits for a condition Prometheus needs scrapes and rule evaluations to make true, polling every 200 ms. On
 * giving up it says what it waited for and what the caller knows about why (the series, Prometheus's log).
 */
final class Eventually {

    /** One check of the condition; may query Prometheus or a role. */
    interface Check {
        boolean holds() throws Exception;
    }

    /** What the caller can tell about a condition that never held. */
    interface Diagnosis {
        String describe() throws Exception;
    }

    private final Duration patience;
    private final Diagnosis diagnosis;

    Eventually(Duration patience, Diagnosis diagnosis) {
        this.patience = patience;
        this.diagnosis = diagnosis;
    }

    void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up after " + patience.toSeconds() + " s waiting for " + what
                        + diagnosis.describe());
            }
            Thread.sleep(200);
        }
    }
}
