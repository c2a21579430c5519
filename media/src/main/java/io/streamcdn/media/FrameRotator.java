package io.streamcdn.media;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avfilter;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.util.Locale;

/**
 * Turns decoded pictures upright once, before they fan out to the rungs, for sources whose container
 * says to rotate them (phones store portrait video as landscape plus a display matrix). Same filters as
 * FFmpeg's own autorotate: {@code transpose=clock}, {@code transpose=cclock}, or a flip both ways for 180.
 * The graph is built on the first frame, when the decoder's output format is known.
 */
final class FrameRotator implements AutoCloseable {

    private final int rotation;
    private final AVFrame rotated = avutil.av_frame_alloc();
    private AVFilterGraph graph;
    private AVFilterContext source;
    private AVFilterContext sink;

    FrameRotator(int rotation) {
        this.rotation = rotation;
    }

    static String filterFor(int rotation) {
        return switch (rotation) {
            case 90 -> "transpose=clock";
            case 180 -> "hflip,vflip";
            case 270 -> "transpose=cclock";
            default -> throw new IllegalArgumentException("no rotation filter for " + rotation + " degrees");
        };
    }

    /** The upright picture; valid until the next call. {@code frame} is not consumed. */
    AVFrame rotate(AVFrame frame) throws MediaException {
        if (graph == null) {
            build(frame);
        }
        Ffmpeg.check(avfilter.av_buffersrc_add_frame_flags(source, frame, avfilter.AV_BUFFERSRC_FLAG_KEEP_REF),
                "rotate a picture");
        avutil.av_frame_unref(rotated);
        Ffmpeg.check(avfilter.av_buffersink_get_frame(sink, rotated), "rotate a picture");
        return rotated;
    }

    private void build(AVFrame like) throws MediaException {
        graph = avfilter.avfilter_graph_alloc();
        graph.nb_threads(1);
        int sarNum = like.sample_aspect_ratio().num() > 0 ? like.sample_aspect_ratio().num() : 1;
        int sarDen = like.sample_aspect_ratio().den() > 0 ? like.sample_aspect_ratio().den() : 1;
        String args = String.format(Locale.ROOT, "video_size=%dx%d:pix_fmt=%d:time_base=1/90000:pixel_aspect=%d/%d",
                like.width(), like.height(), like.format(), sarNum, sarDen);
        source = new AVFilterContext(null);
        Ffmpeg.check(avfilter.avfilter_graph_create_filter(source, avfilter.avfilter_get_by_name("buffer"), "in", args,
                null, graph), "create the rotation input");
        sink = new AVFilterContext(null);
        Ffmpeg.check(avfilter.avfilter_graph_create_filter(sink, avfilter.avfilter_get_by_name("buffersink"), "out", null,
                null, graph), "create the rotation output");
        AVFilterInOut outputs = avfilter.avfilter_inout_alloc();
        AVFilterInOut inputs = avfilter.avfilter_inout_alloc();
        try {
            outputs.name(avutil.av_strdup(new BytePointer("in"))).filter_ctx(source).pad_idx(0).next(null);
            inputs.name(avutil.av_strdup(new BytePointer("out"))).filter_ctx(sink).pad_idx(0).next(null);
            Ffmpeg.check(avfilter.avfilter_graph_parse_ptr(graph, filterFor(rotation), inputs, outputs, null),
                    "build the rotation filter");
            Ffmpeg.check(avfilter.avfilter_graph_config(graph, null), "configure the rotation filter");
        } finally {
            avfilter.avfilter_inout_free(inputs);
            avfilter.avfilter_inout_free(outputs);
        }
    }

    @Override
    public void close() {
        if (graph != null) {
            avfilter.avfilter_graph_free(graph);
        }
        avutil.av_frame_free(rotated);
    }
}
