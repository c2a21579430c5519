package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The audio track: decoded audio through an FFmpeg filter graph into AAC-LC, 48 kHz stereo, as CMAF.
 *
 * <p>Timing, in the filter graph: {@code aresample=async=1:first_pts=0} puts the first sample at its
 * place on the presentation timeline and pads with silence from 0 if audio starts late (the same
 * correction {@code ffmpeg -af aresample=async=1} makes). Mono, 5.1 and 44.1 kHz sources are converted by
 * {@code aformat}.
 *
 * <p>Encoder delay: AAC encoders emit {@code initial_padding} (1024) priming samples first, normally hidden
 * by an MP4 edit list. Browsers' MSE implementations disagree on edit lists in fragmented MP4, so instead
 * the graph drops the first {@code initial_padding} samples ({@code atrim}) and packets are shifted by
 * the same amount: every sample then plays at its true time with no edit list, at the cost of the first
 * 21 ms of the source's audio.
 */
final class AudioTrackEncoder implements AutoCloseable {

    static final int SAMPLE_RATE = 48_000;

    private final AVCodecContext encoder;
    private final AVFilterGraph graph;
    private final AVFilterContext source;
    private final AVFilterContext sink;
    private final CmafTrackWriter writer;
    private final AVRational inputTimeBase;
    private final long originSamples;
    private final long samplesPerSegment;
    private final int inputRate;
    private final AVFrame filtered = avutil.av_frame_alloc();
    private final AVPacket pkt = avcodec.av_packet_alloc();
    private long currentSegment = -1;
    private long lastInputPts = Long.MIN_VALUE;

    /**
     * @param decoder       the opened source audio decoder (its format describes the frames we will get)
     * @param streamTimeBase time base of the source stream's timestamps
     * @param originSeconds the presentation origin on the source timeline (earliest stream start)
     */
    AudioTrackEncoder(AVCodecContext decoder, AVRational streamTimeBase, double originSeconds, EncoderSettings settings,
                      Path dir) throws MediaException {
        this.inputRate = decoder.sample_rate();
        this.inputTimeBase = new AVRational().num(streamTimeBase.num()).den(streamTimeBase.den());
        this.originSamples = Math.round(originSeconds * inputRate);
        this.samplesPerSegment = Math.round(settings.segmentSeconds() * SAMPLE_RATE);

        AVCodec codec = avcodec.avcodec_find_encoder_by_name("aac");
        encoder = avcodec.avcodec_alloc_context3(codec);
        encoder.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP);
        encoder.sample_rate(SAMPLE_RATE);
        avutil.av_channel_layout_default(encoder.ch_layout(), 2);
        encoder.bit_rate(settings.audioKbps() * 1000L);
        encoder.time_base(new AVRational().num(1).den(SAMPLE_RATE));
        encoder.profile(avcodec.AV_PROFILE_AAC_LOW);
        encoder.flags(encoder.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
        int ret = avcodec.avcodec_open2(encoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            throw new MediaException.EncodeFailed("the AAC encoder did not open: " + Ffmpeg.describe(ret), null);
        }

        graph = avfilter.avfilter_graph_alloc();
        graph.nb_threads(1);
        String layout = describeLayout(decoder.ch_layout());
        String args = String.format(Locale.ROOT, "time_base=1/%d:sample_rate=%d:sample_fmt=%s:channel_layout=%s",
                inputRate, inputRate, avutil.av_get_sample_fmt_name(decoder.sample_fmt()).getString(), layout);
        source = new AVFilterContext(null);
        Ffmpeg.check(avfilter.avfilter_graph_create_filter(source, avfilter.avfilter_get_by_name("abuffer"), "in", args,
                null, graph), "create the audio input");
        sink = new AVFilterContext(null);
        Ffmpeg.check(avfilter.avfilter_graph_create_filter(sink, avfilter.avfilter_get_by_name("abuffersink"), "out", null,
                null, graph), "create the audio output");
        String chain = String.format(Locale.ROOT,
                "aresample=%d:async=1:first_pts=0,aformat=sample_fmts=fltp:sample_rates=%d:channel_layouts=stereo,"
                        + "atrim=start_sample=%d,asetpts=PTS-STARTPTS",
                SAMPLE_RATE, SAMPLE_RATE, encoder.initial_padding());
        AVFilterInOut outputs = avfilter.avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter.avfilter_inout_alloc();
        try {
            outputs.name(avutil.av_strdup(new BytePointer("in"))).filter_ctx(source).pad_idx(0).next(null);
            inputs.name(avutil.av_strdup(new BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
            Ffmpeg.check(avfilter.avfilter_graph_parse_ptr(graph, chain, inputs, outputs, null), "build the audio filters");
            Ffmpeg.check(avfilter.avfilter_graph_config(graph, null), "configure the audio filters");
        } finally {
            avfilter.avfilter_inout_free(inputs);
            avfilter.avfilter_inout_free(outputs);
        }
        avfilter.av_buffersink_set_frame_size(sink, encoder.frame_size());
        writer = new CmafTrackWriter(dir, encoder, encoder.frame_size());
    }

    /** Feeds one decoded source frame. */
    void send(AVFrame frame) throws MediaException {
        long ts = frame.best_effort_timestamp();
        long pts;
        if (ts == avutil.AV_NOPTS_VALUE) {
            pts = lastInputPts == Long.MIN_VALUE ? 0 : lastInputPts;
        } else {
            pts = avutil.av_rescale_q(ts, inputTimeBase, new AVRational().num(1).den(inputRate)) - originSamples;
        }
        lastInputPts = pts + frame.nb_samples();
        frame.pts(pts);
        Ffmpeg.check(avfilter.av_buffersrc_add_frame_flags(source, frame, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF),
                "feed the audio filters");
        pull();
    }

    /** Flushes the filters and the encoder and closes the last segment. */
    List<Ladder.Segment> finish() throws MediaException {
        Ffmpeg.check(avfilter.av_buffersrc_add_frame_flags(source, null, 0), "flush the audio filters");
        pull();
        encode(null);
        return writer.finish();
    }

    int timescale() {
        return writer.timescale();
    }

    private void pull() throws MediaException {
        int ret;
        while ((ret = avfilter.av_buffersink_get_frame(sink, filtered)) >= 0) {
            try {
                encode(filtered);
            } finally {
                avutil.av_frame_unref(filtered);
            }
        }
        if (ret != avutil.AVERROR_EAGAIN() && ret != avutil.AVERROR_EOF) {
            throw new MediaException.EncodeFailed("audio filtering failed: " + Ffmpeg.describe(ret), null);
        }
    }

    private void encode(AVFrame frame) throws MediaException {
        int ret = avcodec.avcodec_send_frame(encoder, frame);
        if (ret < 0 && ret != avutil.AVERROR_EOF) {
            throw new MediaException.EncodeFailed("the AAC encoder rejected audio: " + Ffmpeg.describe(ret), null);
        }
        int padding = encoder.initial_padding();
        while ((ret = avcodec.avcodec_receive_packet(encoder, pkt)) >= 0) {
            try {
                pkt.pts(pkt.pts() + padding);
                pkt.dts(pkt.dts() + padding);
                long segment = Math.max(0, pkt.pts()) / samplesPerSegment;
                boolean boundary = segment != currentSegment;
                currentSegment = segment;
                writer.write(pkt, boundary);
            } finally {
                avcodec.av_packet_unref(pkt);
            }
        }
        if (ret != avutil.AVERROR_EAGAIN() && ret != avutil.AVERROR_EOF) {
            throw new MediaException.EncodeFailed("the AAC encoder failed: " + Ffmpeg.describe(ret), null);
        }
    }

    private static String describeLayout(AVChannelLayout layout) {
        AVChannelLayout known = layout;
        if (layout.order() == avutil.AV_CHANNEL_ORDER_UNSPEC) {
            known = new AVChannelLayout();
            avutil.av_channel_layout_default(known, Math.max(1, layout.nb_channels()));
        }
        byte[] buffer = new byte[128];
        avutil.av_channel_layout_describe(known, buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        writer.close();
        avfilter.avfilter_graph_free(graph);
        avcodec.avcodec_free_context(encoder);
        avutil.av_frame_free(filtered);
        avcodec.av_packet_free(pkt);
    }
}
