package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

/**
 * Turns one source into every rung of the ladder in one pass: the source is demuxed and decoded once on
 * the calling thread; each decoded picture is placed on the output timeline by {@link FrameClock} and
 * handed by reference to one {@link VideoRungEncoder} thread per rung, which scale and encode in
 * parallel; audio is filtered and encoded once by {@link AudioTrackEncoder} on the calling thread (AAC
 * costs little next to x264). All output goes to {@code outputDir}, which the caller publishes only
 * when this returns.
 *
 * <p>Both tracks start at 0, the earliest start of any stream: a leading gap in the video becomes black
 * frames, one in the audio becomes silence. The test clips' picture starts 2.235 s after their sound,
 * so their ladders open on 2.2 s of black with the soundtrack already playing, as the source does.
 */
public final class Encoder {

    private static final Logger LOG = LoggerFactory.getLogger(Encoder.class);

    /** Above this, the output frame rate is halved (120 fps phone footage plays at 60). */
    private static final double MAX_FPS = 60.5;
    /** A gap longer than this in the video timestamps is treated as damage, not as a pause to fill. */
    private static final double MAX_GAP_SECONDS = 60;
    /** Decode errors tolerated before the source is declared corrupt. */
    private static final double MAX_ERROR_RATIO = 0.05;

    private final EncoderSettings settings;

    public Encoder(EncoderSettings settings) {
        Ffmpeg.init();
        this.settings = settings;
    }

    /** What one run produced: the ladder, and wall time per rung (for metrics). */
    public record Result(Ladder ladder, Map<String, Long> rungWallNanos) {
    }

    public Result encode(Path source, MediaInfo info, List<VideoRendition> renditions, Path outputDir,
                         DoubleConsumer progress, BooleanSupplier cancelled) throws MediaException {
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("no renditions to encode");
        }
        try (Run run = new Run(source, info, renditions, outputDir, progress, cancelled)) {
            return run.execute();
        }
    }

    /**
     * x264 threads for each rung. 0 leaves the choice to x264 (about 1.5 per core, per encoder). A total
     * is shared in proportion to each rung's pixels, at least one each: the top rung does most of the work
     * and would otherwise bound the wall time while small rungs idle.
     */
    static int[] threadsPerRung(List<VideoRendition> renditions, int total) {
        int[] threads = new int[renditions.size()];
        if (total == 0) {
            return threads;
        }
        double pixels = renditions.stream().mapToDouble(r -> (double) r.width() * r.height()).sum();
        for (int i = 0; i < threads.length; i++) {
            VideoRendition r = renditions.get(i);
            threads[i] = Math.max(1, (int) Math.round(total * (double) r.width() * r.height() / pixels));
        }
        return threads;
    }

    static Rational outputFrameRate(Rational source) {
        Rational fps = source;
        while (fps.value() > MAX_FPS) {
            fps = fps.num() % 2 == 0 ? new Rational(fps.num() / 2, fps.den()) : new Rational(fps.num(), fps.den() * 2);
        }
        return fps;
    }

    /** One encode's native resources, released together whatever happens. */
    private final class Run implements AutoCloseable {
        private final Path source;
        private final MediaInfo info;
        private final List<VideoRendition> renditions;
        private final Path outputDir;
        private final DoubleConsumer progress;
        private final BooleanSupplier cancelled;
        private final AVFormatContext fmt = new AVFormatContext(null);
        private final AVPacket pkt = avcodec.av_packet_alloc();
        private final AVFrame decoded = avutil.av_frame_alloc();
        private final List<VideoRungEncoder> rungs = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private AVCodecContext videoDecoder;
        private AVCodecContext audioDecoder;
        private AudioTrackEncoder audio;
        private FrameRotator rotator;
        private FrameClock clock;
        private AVFrame previous;
        private AVFrame black;
        private boolean inputOpen;
        private boolean posterWritten;
        private double posterAt;
        private double originSeconds;
        private double lastVideoSeconds = Double.NaN;
        private double reportedProgress = -1;
        private long videoPackets;
        private long decodeErrors;

        Run(Path source, MediaInfo info, List<VideoRendition> renditions, Path outputDir, DoubleConsumer progress,
            BooleanSupplier cancelled) {
            this.source = source;
            this.info = info;
            this.renditions = renditions;
            this.outputDir = outputDir;
            this.progress = progress;
            this.cancelled = cancelled;
        }

        Result execute() throws MediaException {
            openInput();
            MediaInfo.Video v = info.video().upright();
            if (info.video().rotation() != 0) {
                rotator = new FrameRotator(info.video().rotation());
            }
            Rational fps = outputFrameRate(v.frameRate());
            clock = new FrameClock(fps, settings.segmentSeconds());
            originSeconds = Math.min(v.startSeconds(), info.audio() == null ? v.startSeconds() : info.audio().startSeconds());
            posterAt = v.startSeconds() - originSeconds + Math.min(3.0, v.durationSeconds() / 4);
            int[] x264Threads = threadsPerRung(renditions, settings.threads());
            for (int i = 0; i < renditions.size(); i++) {
                VideoRendition r = renditions.get(i);
                rungs.add(new VideoRungEncoder(r, fps, settings, x264Threads[i], clock, v, outputDir.resolve(r.id())));
            }
            if (audioDecoder != null) {
                AVStream ast = fmt.streams(info.audio().index());
                audio = new AudioTrackEncoder(audioDecoder, ast.time_base(), originSeconds, settings,
                        outputDir.resolve(PackageLayout.AUDIO_ID));
            }
            for (VideoRungEncoder rung : rungs) {
                Thread t = new Thread(rung, "encode-" + rung.rendition().id());
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            boolean ok = false;
            try {
                demuxAndDecode();
                ok = true;
            } finally {
                endRungs(!ok);
            }
            for (VideoRungEncoder rung : rungs) {
                if (rung.failure() != null) {
                    throw asMediaException(rung.failure());
                }
            }
            List<Ladder.Segment> audioSegments = audio == null ? null : audio.finish();
            if (!posterWritten && previous != null) {
                PosterWriter.write(previous, v.displayAspectRatio(), outputDir.resolve(PackageLayout.POSTER));
            }
            progress.accept(1.0);
            return new Result(ladder(fps, audioSegments), rungTimes());
        }

        private void openInput() throws MediaException {
            int ret = avformat.avformat_open_input(fmt, source.toString(), null, null);
            if (ret < 0) {
                throw new MediaException.Corrupt("the source cannot be opened: " + Ffmpeg.describe(ret));
            }
            inputOpen = true;
            ret = avformat.avformat_find_stream_info(fmt, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            if (ret < 0) {
                throw new MediaException.Corrupt("the source cannot be read: " + Ffmpeg.describe(ret));
            }
            videoDecoder = openDecoder(fmt.streams(info.video().index()), 0);
            if (info.audio() != null) {
                audioDecoder = openDecoder(fmt.streams(info.audio().index()), 1);
            }
            for (int i = 0; i < fmt.nb_streams(); i++) {
                boolean used = i == info.video().index() || (info.audio() != null && i == info.audio().index());
                fmt.streams(i).discard(used ? avcodec.AVDISCARD_DEFAULT : avcodec.AVDISCARD_ALL);
            }
        }

        private AVCodecContext openDecoder(AVStream st, int threads) throws MediaException {
            AVCodec codec = avcodec.avcodec_find_decoder(st.codecpar().codec_id());
            if (codec == null) {
                throw new MediaException.Unsupported("no decoder for " + avcodec.avcodec_get_name(st.codecpar().codec_id()).getString());
            }
            AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
            avcodec.avcodec_parameters_to_context(ctx, st.codecpar());
            ctx.pkt_timebase(st.time_base());
            ctx.thread_count(threads);
            int ret = avcodec.avcodec_open2(ctx, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            if (ret < 0) {
                avcodec.avcodec_free_context(ctx);
                throw new MediaException.Unsupported("the decoder cannot open this stream: " + Ffmpeg.describe(ret));
            }
            return ctx;
        }

        private void demuxAndDecode() throws MediaException {
            int videoIndex = info.video().index();
            int audioIndex = info.audio() == null ? -1 : info.audio().index();
            while (true) {
                if (cancelled.getAsBoolean()) {
                    throw new MediaException.Cancelled();
                }
                int ret = avformat.av_read_frame(fmt, pkt);
                if (ret == avutil.AVERROR_EOF) {
                    break;
                }
                if (ret < 0) {
                    throw new MediaException.Corrupt(String.format(Locale.ROOT,
                            "the source is damaged after %.1f s: %s", Math.max(0, lastVideoSeconds), Ffmpeg.describe(ret)));
                }
                try {
                    if (pkt.stream_index() == videoIndex) {
                        videoPackets++;
                        decode(videoDecoder, pkt, true);
                    } else if (pkt.stream_index() == audioIndex) {
                        decode(audioDecoder, pkt, false);
                    }
                } finally {
                    avcodec.av_packet_unref(pkt);
                }
            }
            decode(videoDecoder, null, true);
            if (audioDecoder != null) {
                decode(audioDecoder, null, false);
            }
            if (clock.next() == 0) {
                throw new MediaException.Corrupt("no video frame could be decoded from the source");
            }
        }

        private void decode(AVCodecContext decoder, AVPacket packet, boolean video) throws MediaException {
            int ret = avcodec.avcodec_send_packet(decoder, packet);
            if (ret < 0 && ret != avutil.AVERROR_EOF) {
                countDecodeError(ret);
                return;
            }
            while (true) {
                ret = avcodec.avcodec_receive_frame(decoder, decoded);
                if (ret == avutil.AVERROR_EAGAIN() || ret == avutil.AVERROR_EOF) {
                    return;
                }
                if (ret < 0) {
                    countDecodeError(ret);
                    return;
                }
                try {
                    if (video) {
                        onVideoFrame(decoded);
                    } else {
                        audio.send(decoded);
                    }
                } finally {
                    avutil.av_frame_unref(decoded);
                }
            }
        }

        private void countDecodeError(int ret) throws MediaException {
            decodeErrors++;
            if (decodeErrors > 10 && decodeErrors > MAX_ERROR_RATIO * Math.max(1, videoPackets)) {
                throw new MediaException.Corrupt(String.format(Locale.ROOT,
                        "the source is damaged: %d packets failed to decode (%s), last near %.1f s",
                        decodeErrors, Ffmpeg.describe(ret), Math.max(0, lastVideoSeconds)));
            }
        }

        private void onVideoFrame(AVFrame frame) throws MediaException {
            AVStream st = fmt.streams(info.video().index());
            double t = Ffmpeg.seconds(frame.best_effort_timestamp(), st.time_base()) - originSeconds;
            if (Double.isNaN(t)) {
                t = Double.isNaN(lastVideoSeconds) ? 0 : lastVideoSeconds + clock.secondsOf(1);
            }
            if (!Double.isNaN(lastVideoSeconds) && t - lastVideoSeconds > MAX_GAP_SECONDS) {
                throw new MediaException.Corrupt(String.format(Locale.ROOT,
                        "the video timestamps jump from %.1f s to %.1f s", lastVideoSeconds, t));
            }
            long first = clock.next();
            int count = clock.advance(t);
            if (count == 0) {
                return;
            }
            if (rotator != null) {
                frame = rotator.rotate(frame);
            }
            lastVideoSeconds = Math.max(Double.isNaN(lastVideoSeconds) ? t : lastVideoSeconds, t);
            for (int i = 0; i < count; i++) {
                AVFrame picture = i == count - 1 ? frame : previous != null ? previous : black(frame);
                fanOut(picture, first + i);
            }
            if (previous == null) {
                previous = avutil.av_frame_alloc();
            } else {
                avutil.av_frame_unref(previous);
            }
            avutil.av_frame_ref(previous, frame);
            if (!posterWritten && t >= posterAt) {
                PosterWriter.write(frame, info.video().upright().displayAspectRatio(), outputDir.resolve(PackageLayout.POSTER));
                posterWritten = true;
            }
            double done = Math.min(1.0, t / info.durationSeconds());
            if (done - reportedProgress >= 0.005) {
                reportedProgress = done;
                progress.accept(done);
            }
        }

        private void fanOut(AVFrame picture, long index) throws MediaException {
            boolean keyframe = clock.startsSegment(index);
            for (VideoRungEncoder rung : rungs) {
                if (rung.failure() != null) {
                    throw asMediaException(rung.failure());
                }
                AVFrame ref = avutil.av_frame_clone(picture);
                try {
                    rung.submit(ref, index, keyframe);
                } catch (InterruptedException e) {
                    avutil.av_frame_free(ref);
                    Thread.currentThread().interrupt();
                    throw new MediaException.Cancelled();
                }
            }
        }

        /** A black picture in the decoder's format, for the slots before the first real frame. */
        private AVFrame black(AVFrame like) throws MediaException {
            if (black == null) {
                black = avutil.av_frame_alloc();
                black.format(like.format());
                black.width(like.width());
                black.height(like.height());
                black.color_range(like.color_range());
                black.colorspace(like.colorspace());
                if (avutil.av_frame_get_buffer(black, 0) < 0) {
                    throw new MediaException.EncodeFailed("cannot allocate a black frame", null);
                }
                try (PointerPointer<?> planes = new PointerPointer<>(4); SizeTPointer strides = new SizeTPointer(4)) {
                    for (int i = 0; i < 4; i++) {
                        planes.put(i, black.data(i));
                        strides.put(i, black.linesize(i));
                    }
                    int range = like.color_range() == avutil.AVCOL_RANGE_UNSPECIFIED ? avutil.AVCOL_RANGE_MPEG : like.color_range();
                    int ret = avutil.av_image_fill_black(planes, strides, like.format(), range, like.width(), like.height());
                    if (ret < 0) {
                        throw new MediaException.EncodeFailed("cannot paint a black frame: " + Ffmpeg.describe(ret), null);
                    }
                }
            }
            return black;
        }

        private void endRungs(boolean abort) throws MediaException {
            for (VideoRungEncoder rung : rungs) {
                try {
                    rung.end(abort);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MediaException.Cancelled();
                }
            }
        }

        private Ladder ladder(Rational fps, List<Ladder.Segment> audioSegments) {
            List<Ladder.Track> video = new ArrayList<>();
            double duration = 0;
            for (VideoRungEncoder rung : rungs) {
                Ladder.Track track = track(rung.rendition().id(), Ladder.Kind.VIDEO, rung.codecs(),
                        rung.rendition().width(), rung.rendition().height(), fps, 0, 0, rung.timescale(), rung.segments());
                video.add(track);
                duration = Math.max(duration, seconds(track));
            }
            Ladder.Track audioTrack = null;
            if (audioSegments != null) {
                audioTrack = track(PackageLayout.AUDIO_ID, Ladder.Kind.AUDIO, CodecStrings.AAC_LC, 0, 0, null,
                        AudioTrackEncoder.SAMPLE_RATE, 2, audio.timescale(), audioSegments);
                duration = Math.max(duration, seconds(audioTrack));
            }
            video.sort((a, b) -> Integer.compare(b.height(), a.height()));
            return new Ladder(duration, settings.segmentSeconds(), video, audioTrack);
        }

        private Map<String, Long> rungTimes() {
            Map<String, Long> times = new LinkedHashMap<>();
            rungs.forEach(r -> times.put(r.rendition().id(), r.wallNanos()));
            return times;
        }

        @Override
        public void close() {
            for (VideoRungEncoder rung : rungs) {
                rung.release();
            }
            if (audio != null) {
                audio.close();
            }
            if (rotator != null) {
                rotator.close();
            }
            // JavaCPP passes a null object as a null AVFrame**/AVCodecContext**, which FFmpeg dereferences.
            if (previous != null) {
                avutil.av_frame_free(previous);
            }
            if (black != null) {
                avutil.av_frame_free(black);
            }
            avutil.av_frame_free(decoded);
            avcodec.av_packet_free(pkt);
            if (videoDecoder != null) {
                avcodec.avcodec_free_context(videoDecoder);
            }
            if (audioDecoder != null) {
                avcodec.avcodec_free_context(audioDecoder);
            }
            if (inputOpen) {
                avformat.avformat_close_input(fmt);
            }
        }
    }

    private static Ladder.Track track(String id, Ladder.Kind kind, String codecs, int width, int height, Rational fps,
                                      int sampleRate, int channels, int timescale, List<Ladder.Segment> segments) {
        TrackRates rates = TrackRates.of(segments, timescale);
        return new Ladder.Track(id, kind, codecs, rates.peak(), rates.average(), width, height, fps, sampleRate,
                channels, timescale, segments);
    }

    private static double seconds(Ladder.Track track) {
        Ladder.Segment last = track.segments().get(track.segments().size() - 1);
        return (double) (last.start() + last.duration()) / track.timescale();
    }

    private static MediaException asMediaException(Throwable t) {
        if (t instanceof MediaException m) {
            return m;
        }
        LOG.error("encoder thread failed", t);
        return new MediaException.EncodeFailed("the encoder failed: " + t, t);
    }
}
