package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes one decoded picture as the video's poster JPEG, at most 1280 wide, aspect ratio kept. */
final class PosterWriter {

    static final int MAX_WIDTH = 1280;

    private PosterWriter() {
    }

    /** The poster's size for a picture shown {@code displayAspect} wide: even dimensions, never upscaled. */
    static int[] size(int sourceHeight, double displayAspect) {
        int height = Math.min(sourceHeight, (int) Math.round(MAX_WIDTH / displayAspect));
        height -= height % 2;
        int width = (int) Math.round(height * displayAspect);
        width -= width % 2;
        return new int[] {Math.max(2, width), Math.max(2, height)};
    }

    static void write(AVFrame picture, double displayAspect, Path file) throws MediaException {
        int[] size = size(picture.height(), displayAspect);
        AVCodec codec = avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_MJPEG);
        AVCodecContext enc = avcodec.avcodec_alloc_context3(codec);
        SwsContext sws = null;
        AVFrame frame = avutil.av_frame_alloc();
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            enc.width(size[0]);
            enc.height(size[1]);
            enc.pix_fmt(avutil.AV_PIX_FMT_YUVJ420P);
            enc.color_range(avutil.AVCOL_RANGE_JPEG);
            enc.time_base(new AVRational().num(1).den(25));
            enc.flags(enc.flags() | avcodec.AV_CODEC_FLAG_QSCALE);
            enc.global_quality(avutil.FF_QP2LAMBDA * 3);
            int ret = avcodec.avcodec_open2(enc, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            Ffmpeg.check(ret, "open the JPEG encoder");
            sws = swscale.sws_getContext(picture.width(), picture.height(), picture.format(), size[0], size[1],
                    avutil.AV_PIX_FMT_YUVJ420P, swscale.SWS_BICUBIC, null, null, (double[]) null);
            frame.format(avutil.AV_PIX_FMT_YUVJ420P);
            frame.width(size[0]);
            frame.height(size[1]);
            Ffmpeg.check(swscale.sws_scale_frame(sws, frame, picture), "scale the poster");
            frame.pts(0);
            frame.quality(avutil.FF_QP2LAMBDA * 3);
            Ffmpeg.check(avcodec.avcodec_send_frame(enc, frame), "encode the poster");
            avcodec.avcodec_send_frame(enc, null);
            Ffmpeg.check(avcodec.avcodec_receive_packet(enc, pkt), "encode the poster");
            byte[] jpeg = new byte[pkt.size()];
            pkt.data().get(jpeg);
            Files.write(file, jpeg);
        } catch (IOException e) {
            throw new MediaException.EncodeFailed("cannot write the poster: " + e.getMessage(), e);
        } finally {
            avcodec.av_packet_free(pkt);
            avutil.av_frame_free(frame);
            if (sws != null) {
                swscale.sws_freeContext(sws);
            }
            avcodec.avcodec_free_context(enc);
        }
    }
}
