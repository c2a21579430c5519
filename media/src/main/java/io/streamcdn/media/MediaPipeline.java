package io.streamcdn.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * The media module's front door for the origin: probe an upload, then turn it into a complete,
 * packaged ladder (segments, poster, MPD, HLS) in a folder the caller publishes atomically.
 * Every call blocks for as long as FFmpeg works: call it from a worker thread, never an event loop.
 */
public final class MediaPipeline {

    private final Probe probe;
    private final LadderPlanner planner;
    private final Encoder encoder;

    /** A pipeline that refuses sources beyond the {@link MediaLimits#defaults() default limits}. */
    public MediaPipeline(EncoderSettings settings) {
        this(settings, MediaLimits.defaults());
    }

    public MediaPipeline(EncoderSettings settings, MediaLimits limits) {
        this.probe = new Probe(limits);
        this.planner = new LadderPlanner(settings.ladder());
        this.encoder = new Encoder(settings);
    }

    /**
     * Reads the container and streams and checks the file is whole.
     *
     * @throws MediaException.Unsupported not a video, or no video stream, or an unknown codec
     * @throws MediaException.Corrupt     a video container that is truncated or undecodable
     * @throws MediaException.OverLimit   a video longer or larger than the pipeline's {@link MediaLimits}
     */
    public MediaInfo probe(Path source) throws MediaException {
        return probe.probe(source);
    }

    /**
     * Encodes {@code source} into {@code outputDir} (created if needed; expected empty): one folder per
     * rendition with init and media segments, the poster, the MPD and the HLS playlists.
     *
     * @param progress  receives 0..1 as the encode advances (from timestamps), on the encoding thread
     * @param cancelled polled between frames; when it turns true the encode stops with {@link MediaException.Cancelled}
     */
    public Encoder.Result encode(Path source, MediaInfo info, Path outputDir, DoubleConsumer progress,
                                 BooleanSupplier cancelled) throws MediaException {
        List<VideoRendition> plan = planner.plan(info.video().upright());
        Encoder.Result result = encoder.encode(source, info, plan, outputDir, progress, cancelled);
        try {
            Packager.writeManifests(result.ladder(), outputDir);
        } catch (IOException e) {
            throw new MediaException.EncodeFailed("cannot write the manifests: " + e.getMessage(), e);
        }
        return result;
    }
}
