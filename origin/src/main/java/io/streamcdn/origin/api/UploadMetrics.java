package io.streamcdn.origin.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * Upload meters: {@code streamcdn_upload_bytes_total} (body bytes received, accepted or not) and
 * {@code streamcdn_uploads_total{outcome}}, every outcome registered up front so dashboards see zeros
 * rather than gaps.
 */
public final class UploadMetrics {

    private final Counter bytes;
    private final Map<UploadOutcome, Counter> outcomes = new EnumMap<>(UploadOutcome.class);

    public UploadMetrics(MeterRegistry registry) {
        bytes = Counter.builder("streamcdn.upload.bytes")
                .baseUnit("bytes")
                .description("Upload body bytes received, whatever became of the upload")
                .register(registry);
        for (UploadOutcome outcome : UploadOutcome.values()) {
            outcomes.put(outcome, Counter.builder("streamcdn.uploads")
                    .description("Uploads by how they ended")
                    .tag("outcome", outcome.tag())
                    .register(registry));
        }
    }

    void bytesReceived(long count) {
        bytes.increment(count);
    }

    void ended(UploadOutcome outcome) {
        outcomes.get(outcome).increment();
    }
}
