package io.streamcdn.origin.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.MediaException;
import io.streamcdn.media.MediaInfo;
import io.streamcdn.media.MediaPipeline;
import org.junit.jupiter.api.AfterEach;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target for the upload probe (Jazzer): arbitrary bytes are written to a file named like a received upload
 * and given to the probe the origin runs before it takes a video in, then mapped to an answer exactly as the
 * upload handler maps them. Every input must end, within {@link #TIME_LIMIT_SECONDS}, in an acceptance (a video
 * with a picture size and a duration) or in a typed refusal answered 415 or 422 with a reason: never another
 * exception, never a hang, never a crash of the JVM (FFmpeg runs in-process).
 *
 * <p>Jazzer only sees the Java side's coverage, so the native demuxers are explored from the kept inputs (tiny
 * real files of several containers) by mutation rather than by coverage feedback.
 */
class UploadProbeFuzzTest {

    /** Uploads are cut to this size: the probe reads headers, a first frame and the tail, not the middle. */
    private static final int MAX_BYTES = 64 * 1024;
    private static final long TIME_LIMIT_SECONDS = 20;

    private final MediaPipeline pipeline = new MediaPipeline(EncoderSettings.defaults());
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "probe");
        thread.setDaemon(true); // a hung probe must not keep the JVM alive after the finding is reported
        return thread;
    });

    @AfterEach
    void stopWorker() {
        worker.shutdownNow();
    }

    @FuzzTest
    void everyUploadEndsInAcceptanceOrAClearRefusal(byte[] upload) throws Exception {
        byte[] bytes = upload.length > MAX_BYTES ? Arrays.copyOf(upload, MAX_BYTES) : upload;
        Path file = Files.createTempFile("upload-", ".part");
        try {
            Files.write(file, bytes);
            Future<MediaInfo> verdict = worker.submit(() -> pipeline.probe(file));
            try {
                MediaInfo info = verdict.get(TIME_LIMIT_SECONDS, TimeUnit.SECONDS);
                assertThat(info.video().width()).isPositive();
                assertThat(info.video().height()).isPositive();
                assertThat(info.durationSeconds()).isPositive().isFinite();
                assertThat(info.sizeBytes()).isEqualTo(bytes.length);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("only the probe's typed refusals").isInstanceOf(MediaException.class);
                UploadRefused refused = UploadRefused.from((MediaException) e.getCause());
                assertThat(refused.status()).as(refused.reason()).isIn(415, 422);
                assertThat(refused.reason()).isNotBlank();
            } catch (TimeoutException e) {
                throw new AssertionError("the probe did not decide on " + bytes.length + " bytes within "
                        + TIME_LIMIT_SECONDS + " s");
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
