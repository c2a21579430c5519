package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Generates the demo's sample upload: FFmpeg's {@code testsrc2} pattern with a 440 Hz tone, encoded to an
 * ordinary H.264/AAC MP4 in-process, so a fresh install has something to play without any media of its own.
 * It then goes through the same upload, probe and encode path as any user's file.
 */
public final class SampleVideo {

    private SampleVideo() {
    }

    /** Writes {@code seconds} of 1280x720 30 fps pattern and tone to {@code target} (atomically). */
    public static void write(Path target, int seconds) throws MediaException {
        Ffmpeg.init();
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (Writer writer = new Writer(partial, seconds)) {
            writer.run();
        }
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MediaException.EncodeFailed("cannot write the sample video: " + e.getMessage(), e);
        }
    }

    private static final class Writer implements AutoCloseable {
        private final Path file;
        private final int seconds;
        private final AVFormatContext oc = new AVFormatContext(null);
        private final AVPacket pkt = avcodec.av_packet_alloc();
        private final AVFrame frame = avutil.av_frame_alloc();
        private AVFilterGraph videoGraph;
        private AVFilterGraph audioGraph;
        private AVCodecContext video;
        private AVCodecContext audio;
        private AVStream videoStream;
        private AVStream audioStream;
        private boolean headerWritten;

        Writer(Path file, int seconds) {
            this.file = file;
            this.seconds = seconds;
        }

        void run() throws MediaException {
            Ffmpeg.check(avformat.avformat_alloc_output_context2(oc, null, "mp4", file.toString()), "allocate the muxer");
            video = openEncoder("libx264", ctx -> {
                ctx.width(1280);
                ctx.height(720);
                ctx.pix_fmt(avutil.AV_PIX_FMT_YUV420P);
                ctx.time_base(new AVRational().num(1).den(30));
                ctx.framerate(new AVRational().num(30).den(1));
                ctx.bit_rate(3_000_000);
                ctx.gop_size(60);
            }, "preset", "ultrafast");
            audio = openEncoder("aac", ctx -> {
                ctx.sample_fmt(avutil.AV_SAMPLE_FMT_FLTP);
                ctx.sample_rate(48_000);
                avutil.av_channel_layout_default(ctx.ch_layout(), 2);
                ctx.bit_rate(128_000);
                ctx.time_base(new AVRational().num(1).den(48_000));
            }, null, null);
            videoStream = addStream(video);
            audioStream = addStream(audio);
            AVIOContext pb = new AVIOContext(null);
            Ffmpeg.check(avformat.avio_open(pb, file.toString(), avformat.AVIO_FLAG_WRITE), "open " + file);
            oc.pb(pb);
            Ffmpeg.check(avformat.avformat_write_header(oc, (AVDictionary) null), "write the header");
            headerWritten = true;

            videoGraph = avfilter.avfilter_graph_alloc();
            AVFilterContext videoSink = source(videoGraph, "buffersink", String.format(Locale.ROOT,
                    "testsrc2=size=1280x720:rate=30:duration=%d,format=yuv420p", seconds));
            audioGraph = avfilter.avfilter_graph_alloc();
            AVFilterContext audioSink = source(audioGraph, "abuffersink", String.format(Locale.ROOT,
                    "sine=frequency=440:sample_rate=48000:duration=%d,volume=0.3,"
                            + "aformat=sample_fmts=fltp:channel_layouts=stereo", seconds));
            avfilter.av_buffersink_set_frame_size(audioSink, audio.frame_size());

            // Interleave by time: always pull from whichever track is behind.
            boolean videoDone = false;
            boolean audioDone = false;
            long videoPts = 0;
            long audioPts = 0;
            while (!videoDone || !audioDone) {
                boolean pullVideo = !videoDone && (audioDone || videoPts * 48_000L / 30 <= audioPts);
                AVFilterContext sink = pullVideo ? videoSink : audioSink;
                AVCodecContext enc = pullVideo ? video : audio;
                int ret = avfilter.av_buffersink_get_frame(sink, frame);
                if (ret == avutil.AVERROR_EOF) {
                    encode(enc, null, pullVideo ? videoStream : audioStream);
                    if (pullVideo) {
                        videoDone = true;
                    } else {
                        audioDone = true;
                    }
                    continue;
                }
                Ffmpeg.check(ret, "generate the sample");
                if (pullVideo) {
                    videoPts = frame.pts();
                } else {
                    audioPts = frame.pts();
                }
                encode(enc, frame, pullVideo ? videoStream : audioStream);
                avutil.av_frame_unref(frame);
            }
            Ffmpeg.check(avformat.av_write_trailer(oc), "finish the sample");
        }

        private interface Setup {
            void apply(AVCodecContext ctx);
        }

        private AVCodecContext openEncoder(String name, Setup setup, String option, String value) throws MediaException {
            AVCodec codec = avcodec.avcodec_find_encoder_by_name(name);
            AVCodecContext ctx = avcodec.avcodec_alloc_context3(codec);
            setup.apply(ctx);
            if ((oc.oformat().flags() & avformat.AVFMT_GLOBALHEADER) != 0) {
                ctx.flags(ctx.flags() | avcodec.AV_CODEC_FLAG_GLOBAL_HEADER);
            }
            AVDictionary options = new AVDictionary(null);
            if (option != null) {
                avutil.av_dict_set(options, option, value, 0);
            }
            try {
                Ffmpeg.check(avcodec.avcodec_open2(ctx, codec, options), "open " + name);
            } finally {
                avutil.av_dict_free(options);
            }
            return ctx;
        }

        private AVStream addStream(AVCodecContext enc) throws MediaException {
            AVStream st = avformat.avformat_new_stream(oc, null);
            Ffmpeg.check(avcodec.avcodec_parameters_from_context(st.codecpar(), enc), "copy codec parameters");
            st.time_base(enc.time_base());
            return st;
        }

        /** A graph whose only source is described by {@code chain}, ending in a sink we pull frames from. */
        private static AVFilterContext source(AVFilterGraph graph, String sinkName, String chain) throws MediaException {
            AVFilterContext sink = new AVFilterContext(null);
            Ffmpeg.check(avfilter.avfilter_graph_create_filter(sink, avfilter.avfilter_get_by_name(sinkName), "out", null,
                    null, graph), "create " + sinkName);
            org.bytedeco.ffmpeg.avfilter.AVFilterInOut inputs = avfilter.avfilter_inout_alloc();
            try {
                inputs.name(avutil.av_strdup(new org.bytedeco.javacpp.BytePointer("out"))).filter_ctx(sink).pad_idx(0)
                        .next(null);
                Ffmpeg.check(avfilter.avfilter_graph_parse_ptr(graph, chain, inputs, null, null), "build " + chain);
                Ffmpeg.check(avfilter.avfilter_graph_config(graph, null), "configure " + chain);
            } finally {
                avfilter.avfilter_inout_free(inputs);
            }
            return sink;
        }

        private void encode(AVCodecContext enc, AVFrame input, AVStream stream) throws MediaException {
            Ffmpeg.check(avcodec.avcodec_send_frame(enc, input), "encode the sample");
            int ret;
            while ((ret = avcodec.avcodec_receive_packet(enc, pkt)) >= 0) {
                avcodec.av_packet_rescale_ts(pkt, enc.time_base(), stream.time_base());
                pkt.stream_index(stream.index());
                Ffmpeg.check(avformat.av_interleaved_write_frame(oc, pkt), "write the sample");
            }
            if (ret != avutil.AVERROR_EAGAIN() && ret != avutil.AVERROR_EOF) {
                Ffmpeg.check(ret, "encode the sample");
            }
        }


        @Override
        public void close() {
            if (oc.pb() != null) {
                avformat.avio_closep(oc.pb());
            }
            avformat.avformat_free_context(oc);
            if (videoGraph != null) {
                avfilter.avfilter_graph_free(videoGraph);
            }
            if (audioGraph != null) {
                avfilter.avfilter_graph_free(audioGraph);
            }
            if (video != null) {
                avcodec.avcodec_free_context(video);
            }
            if (audio != null) {
                avcodec.avcodec_free_context(audio);
            }
            avutil.av_frame_free(frame);
            avcodec.av_packet_free(pkt);
        }
    }
}
