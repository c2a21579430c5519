package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One rung of the ladder on its own thread: scale the shared decoded frames to the rung's size, encode
 * them with libx264 and write CMAF segments. The decoder thread hands every rung a reference to the same
 * decoded picture (no copy), so the source is decoded once however many rungs there are.
 *
 * <p>x264 settings follow what packagers need from every rung: High profile, closed GOPs, an IDR exactly
 * where {@link FrameClock} starts a segment (forced per frame), no scene-cut or periodic keyframes in
 * between, and VBV-constrained rate control so a segment's size is bounded for players' ABR.
 */
final class VideoRungEncoder implements Runnable {

    /** Decoded frames waiting for this rung; small, so a slow rung throttles the decoder instead of memory. */
    private static final int QUEUE_FRAMES = 8;

    private record Item(AVFrame frame, long index, boolean keyframe) {
    }

    private static final Item END = new Item(null, -1, false);

    private final VideoRendition rendition;
    private final FrameClock clock;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final AVCodec codec;
    private final AVCodecContext encoder;
    private final String x264Preset;
    private final int keyint;
    private final Path dir;
    private CmafTrackWriter writer;
    private String codecs;
    private SwsContext scaler;
    private volatile Throwable failure;
    private volatile boolean aborted;
    private List<Ladder.Segment> segments;
    private long startNanos;
    private long wallNanos;

    VideoRungEncoder(VideoRendition rendition, Rational fps, EncoderSettings settings, int threads, FrameClock clock,
                     MediaInfo.Video source, Path dir) throws MediaException {
        this.rendition = rendition;
        this.clock = clock;
        this.x264Preset = settings.x264Preset();
        this.dir = dir;
        codec = avcodec.avcodec_find_encoder_by_name("libx264");
        if (codec == null) {
            throw new MediaException.EncodeFailed("this FFmpeg build has no libx264 encoder", null);
        }
        encoder = avcodec.avcodec_alloc_context3(codec);
        encoder.width(rendition.width());
        encoder.height(rendition.height());
        encoder.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
        encoder.time_base(new AVRational().num(fps.den()).den(fps.num()));
        encoder.framerate(new AVRational().num(fps.num()).den(fps.den()));
        encoder.sample_aspect_ratio(new AVRational().num(1).den(1));
        encoder.bit_rate(rendition.bitrateKbps() * 1000L);
        encoder.rc_max_rate(rendition.maxrateKbps() * 1000L);
        encoder.rc_buffer_size(rendition.bufsizeKbits() * 1000);
        encoder.flags(encoder.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        encoder.thread_count(threads);
        encoder.color_range(avutil.AVCOL_RANGE_MPEG);
        // Keyframes come only from FrameClock; keyint is set far beyond a segment so x264 never adds its own.
        int segmentFrames = (int) Math.ceil(settings.segmentSeconds() * fps.value());
        keyint = segmentFrames * 4;
        encoder.gop_size(keyint);
    }

    /**
     * Opens x264 and the track writer. Runs on the rung's own thread, so x264's worker threads inherit its
     * name ({@code encode-720p}): per-rung CPU shows in {@code top -H}, thread dumps and the benchmark's profile.
     */
    private void open() throws MediaException {
        AVDictionary options = new AVDictionary(null);
        avutil.av_dict_set(options, "preset", x264Preset, 0);
        avutil.av_dict_set(options, "profile", "high", 0);
        avutil.av_dict_set(options, "forced-idr", "1", 0);
        avutil.av_dict_set(options, "x264-params", String.format(Locale.ROOT,
                "keyint=%d:scenecut=0:open-gop=0", keyint), 0);
        try {
            int ret = avcodec.avcodec_open2(encoder, codec, options);
            if (ret < 0) {
                throw new MediaException.EncodeFailed("libx264 refused the " + rendition.id() + " settings: "
                        + Ffmpeg.describe(ret), null);
            }
        } finally {
            avutil.av_dict_free(options);
        }
        byte[] extradata = new byte[encoder.extradata_size()];
        encoder.extradata().get(extradata);
        this.codecs = CodecStrings.avc(extradata);
        this.writer = new CmafTrackWriter(dir, encoder, 1);
    }

    /** Queues one output frame (a new reference this rung now owns). Blocks while the rung is behind. */
    void submit(AVFrame frame, long index, boolean keyframe) throws InterruptedException {
        queue.put(new Item(frame, index, keyframe));
    }

    /** No more frames: flush and finish. {@code abort} skips the flush (cancelled or failed encode). */
    void end(boolean abort) throws InterruptedException {
        if (abort) {
            aborted = true;
        }
        queue.put(END);
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        AVFrame scaled = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            open();
            while (true) {
                Item item = queue.take();
                if (item == END) {
                    if (!aborted && failure == null) {
                        encode(null, pkt);
                        segments = writer.finish();
                    }
                    return;
                }
                try {
                    if (failure == null && !aborted) {
                        if (startNanos == 0) {
                            startNanos = System.nanoTime();
                        }
                        AVFrame input = scale(item.frame(), scaled);
                        input.pts(item.index());
                        input.pict_type(item.keyframe() ? avutil.AV_PICTURE_TYPE_I : avutil.AV_PICTURE_TYPE_NONE);
                        encode(input, pkt);
                    }
                } finally {
                    avutil.av_frame_free(item.frame());
                }
            }
        } catch (Throwable t) {
            failure = t;
            drainAfterFailure();
        } finally {
            wallNanos = startNanos == 0 ? 0 : System.nanoTime() - startNanos;
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(scaled);
        }
    }

    /** After a failure, keep taking (and freeing) frames so the decoder thread never blocks on this queue. */
    private void drainAfterFailure() {
        try {
            while (true) {
                Item item = queue.take();
                if (item == END) {
                    return;
                }
                avutil.av_frame_free(item.frame());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private AVFrame scale(AVFrame source, AVFrame scaled) throws MediaException {
        if (source.width() == rendition.width() && source.height() == rendition.height()
                && source.format() == avutil.AV_PIX_FMT_YUV420P) {
            return source;
        }
        if (scaler == null) {
            scaler = swscale.sws_getContext(source.width(), source.height(), source.format(),
                    rendition.width(), rendition.height(), avutil.AV_PIX_FMT_YUV420P,
                    swscale.SWS_BICUBIC, null, null, (double[]) null);
            if (scaler == null) {
                throw new MediaException.EncodeFailed("cannot scale " + source.width() + "x" + source.height()
                        + " to " + rendition.width() + "x" + rendition.height(), null);
            }
        }
        avutil.av_frame_unref(scaled);
        scaled.format(avutil.AV_PIX_FMT_YUV420P);
        scaled.width(rendition.width());
        scaled.height(rendition.height());
        int ret = swscale.sws_scale_frame(scaler, scaled, source);
        if (ret < 0) {
            throw new MediaException.EncodeFailed("scaling failed: " + Ffmpeg.describe(ret), null);
        }
        avutil.av_frame_copy_props(scaled, source);
        return scaled;
    }

    private void encode(AVFrame frame, AVPacket pkt) throws MediaException {
        int ret = avcodec.avcodec_send_frame(encoder, frame);
        if (ret < 0) {
            throw new MediaException.EncodeFailed("libx264 rejected a frame: " + Ffmpeg.describe(ret), null);
        }
        while ((ret = avcodec.avcodec_receive_packet(encoder, pkt)) >= 0) {
            try {
                boolean key = (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                boolean boundary = clock.startsSegment(pkt.pts());
                if (boundary && !key) {
                    throw new MediaException.EncodeFailed("frame " + pkt.pts() + " of " + rendition.id()
                            + " starts a segment but is not a keyframe", null);
                }
                writer.write(pkt, boundary);
            } finally {
                avcodec.av_packet_unref(pkt);
            }
        }
        if (ret != avutil.AVERROR_EAGAIN() && ret != avutil.AVERROR_EOF) {
            throw new MediaException.EncodeFailed("libx264 failed: " + Ffmpeg.describe(ret), null);
        }
    }

    VideoRendition rendition() {
        return rendition;
    }

    String codecs() {
        return codecs;
    }

    int timescale() {
        return writer.timescale();
    }

    /** Segments written, once the rung has finished without failure. */
    List<Ladder.Segment> segments() {
        return segments;
    }

    /** Wall time from this rung's first frame to its last segment. */
    long wallNanos() {
        return wallNanos;
    }

    void release() {
        if (writer != null) {
            writer.close();
        }
        avcodec.avcodec_free_context(encoder);
        if (scaler != null) {
            swscale.sws_freeContext(scaler);
        }
    }
}
