package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVProbeData;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a file is a video we can encode, and describes it. Four checks, cheapest first:
 * <ol>
 *   <li>the container is recognised and has a video stream with a decoder (else {@link MediaException.Unsupported});</li>
 *   <li>the first video frame decodes (else {@link MediaException.Corrupt});</li>
 *   <li>the end of the file is there: packets can be read near the declared duration. A download cut
 *       short keeps a valid header but loses its tail, which only this check notices;</li>
 *   <li>pictures decode cleanly up to a quarter, half and three quarters of the duration, each from the keyframe
 *       before it: a file damaged in the middle keeps its header, first frame and tail. These are spot checks of
 *       at most {@link #SPOT_CHECK_FRAMES} pictures each, not a full decode (which would take as long as an encode);
 *       damage elsewhere is left to the encode.</li>
 * </ol>
 * Image formats that FFmpeg opens as one-frame "videos" (PNG, JPEG, GIF...) are refused: a poster is not
 * a video. A source longer or larger than its {@link MediaLimits} is refused ({@link MediaException.OverLimit})
 * from what the container's header declares, before FFmpeg reads further or decodes anything.
 */
public final class Probe {

    /** Demuxers that open still images and image sequences. */
    private static final Set<String> IMAGE_CONTAINERS = Set.of(
            "image2", "png_pipe", "jpeg_pipe", "gif", "gif_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe",
            "svg_pipe", "psd_pipe", "pgm_pipe", "ppm_pipe", "jpegls_pipe", "j2k_pipe", "qoi_pipe", "dpx_pipe",
            "exr_pipe", "pam_pipe", "pbm_pipe", "pcx_pipe", "pgmyuv_pipe", "pictor_pipe", "sgi_pipe",
            "sunrast_pipe", "xbm_pipe", "xpm_pipe", "xwd_pipe", "hdr_pipe", "jpegxl_pipe", "tty", "ico",
            "apng", "webp", "avif");

    /**
     * The largest picture taken, either way up: 8K (8192x4320, the largest frame of H.264 and HEVC level 6.2).
     * The ladder tops out at 1080p, and one 16K frame alone is 200 MB decoded.
     */
    /** libavutil/frame.h's AV_FRAME_FLAG_CORRUPT, a macro the bindings do not carry. */
    private static final int AV_FRAME_FLAG_CORRUPT = 1;
    /** Where, as fractions of the duration, the pictures must decode cleanly. */
    private static final double[] SPOT_CHECKS = {0.25, 0.5, 0.75};
    /**
     * The most pictures decoded to reach one spot: ten seconds at 30 fps, so a file with rare keyframes costs a
     * bounded decode (the upload's answer waits for the probe), not a decode of the whole video.
     */
    private static final int SPOT_CHECK_FRAMES = 300;

    /** How much of the declared duration must be readable at the tail: lenient for containers that round. */
    private static final double TAIL_TOLERANCE_SECONDS = 1.0;

    private final MediaLimits limits;

    /** A probe that refuses sources beyond the {@link MediaLimits#defaults() default limits}. */
    public Probe() {
        this(MediaLimits.defaults());
    }

    public Probe(MediaLimits limits) {
        Ffmpeg.init();
        this.limits = limits;
    }

    public MediaInfo probe(Path file) throws MediaException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new MediaException.Unsupported("the upload could not be read: " + e.getMessage());
        }
        if (size == 0) {
            throw new MediaException.Unsupported("the file is empty");
        }
        AVFormatContext fmt = new AVFormatContext(null);
        int ret = avformat.avformat_open_input(fmt, file.toString(), null, null);
        if (ret < 0) {
            String recognised = sniffContainer(file);
            if (recognised != null) {
                throw new MediaException.Corrupt("this " + recognised + " file cannot be opened ("
                        + Ffmpeg.describe(ret) + "); it is probably truncated or damaged");
            }
            throw new MediaException.Unsupported("this is not a video file FFmpeg recognises ("
                    + Ffmpeg.describe(ret) + ")");
        }
        try {
            return describe(fmt, size);
        } finally {
            avformat.avformat_close_input(fmt);
        }
    }

    private MediaInfo describe(AVFormatContext fmt, long size) throws MediaException {
        String container = fmt.iformat().name().getString();
        String containerLong = fmt.iformat().long_name() == null ? container : fmt.iformat().long_name().getString();
        if (IMAGE_CONTAINERS.contains(container)) {
            throw new MediaException.Unsupported("this is an image (" + containerLong + "), not a video");
        }
        checkDeclaredLimits(fmt);
        int ret = avformat.avformat_find_stream_info(fmt, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            throw new MediaException.Corrupt("the " + containerLong + " file cannot be read: " + Ffmpeg.describe(ret));
        }
        int videoIndex = avformat.av_find_best_stream(fmt, avutil.AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        int audioIndex = avformat.av_find_best_stream(fmt, avutil.AVMEDIA_TYPE_AUDIO, -1, videoIndex, (AVCodec) null, 0);

        List<MediaInfo.StreamInfo> streams = new ArrayList<>();
        for (int i = 0; i < fmt.nb_streams(); i++) {
            AVStream st = fmt.streams(i);
            AVCodecParameters par = st.codecpar();
            String type = avutil.av_get_media_type_string(par.codec_type()) == null ? "unknown"
                    : avutil.av_get_media_type_string(par.codec_type()).getString();
            streams.add(new MediaInfo.StreamInfo(i, type, codecName(par.codec_id()),
                    startSeconds(st, fmt), durationSeconds(st, fmt)));
        }
        if (videoIndex < 0) {
            String what = audioIndex >= 0 ? "it has audio but no video stream" : "it has no video stream";
            throw new MediaException.Unsupported("this " + containerLong + " file is not a video: " + what);
        }
        AVStream vst = fmt.streams(videoIndex);
        AVCodecParameters vpar = vst.codecpar();
        if (vpar.width() <= 0 || vpar.height() <= 0) {
            throw new MediaException.Corrupt("the video stream has no picture size; the file may be truncated");
        }
        limits.checkPicture(vpar.width(), vpar.height());
        if (avcodec.avcodec_find_decoder(vpar.codec_id()) == null) {
            throw new MediaException.Unsupported("the video codec " + codecName(vpar.codec_id()) + " is not supported");
        }
        AVRational guessed = avformat.av_guess_frame_rate(fmt, vst, null);
        Rational frameRate = guessed.num() > 0 && guessed.den() > 0
                ? new Rational(guessed.num(), guessed.den()) : new Rational(25, 1);
        AVRational sar = avformat.av_guess_sample_aspect_ratio(fmt, vst, null);
        Rational sampleAspect = sar.num() > 0 && sar.den() > 0 ? new Rational(sar.num(), sar.den()) : new Rational(1, 1);
        String pixFmt = vpar.format() < 0 || avutil.av_get_pix_fmt_name(vpar.format()) == null ? "unknown"
                : avutil.av_get_pix_fmt_name(vpar.format()).getString();
        String profile = avcodec.avcodec_profile_name(vpar.codec_id(), vpar.profile()) == null ? ""
                : avcodec.avcodec_profile_name(vpar.codec_id(), vpar.profile()).getString();
        MediaInfo.Video video = new MediaInfo.Video(videoIndex, codecName(vpar.codec_id()), profile,
                vpar.width(), vpar.height(), frameRate, sampleAspect, pixFmt,
                startSeconds(vst, fmt), durationSeconds(vst, fmt), rotation(vpar));

        MediaInfo.Audio audio = null;
        if (audioIndex >= 0) {
            AVStream ast = fmt.streams(audioIndex);
            AVCodecParameters apar = ast.codecpar();
            if (avcodec.avcodec_find_decoder(apar.codec_id()) != null && apar.sample_rate() > 0) {
                audio = new MediaInfo.Audio(audioIndex, codecName(apar.codec_id()), apar.sample_rate(),
                        apar.ch_layout().nb_channels(), startSeconds(ast, fmt), durationSeconds(ast, fmt));
            }
        }

        double start = fmt.start_time() == avutil.AV_NOPTS_VALUE ? 0 : fmt.start_time() / (double) avutil.AV_TIME_BASE;
        double duration = fmt.duration() == avutil.AV_NOPTS_VALUE ? Double.NaN
                : fmt.duration() / (double) avutil.AV_TIME_BASE;
        if (!(duration > 0)) {
            duration = Math.max(video.durationSeconds(), audio == null ? 0 : audio.durationSeconds());
        }
        if (!(duration > 0)) {
            throw new MediaException.Corrupt("the video has no duration; the file may be truncated");
        }
        limits.checkDuration(duration);

        decodeFirstFrame(fmt, videoIndex, containerLong);
        checkTail(fmt, start, duration);
        checkSpots(fmt, videoIndex, start, duration);
        return new MediaInfo(container, containerLong, duration, start, size, streams, video, audio);
    }

    /**
     * The limits, checked on what the header declares (most containers give the picture size and duration
     * there), so an over-limit source costs no stream analysis: {@code avformat_find_stream_info} may decode
     * frames, and a 16K frame takes some 200 MB.
     */
    private void checkDeclaredLimits(AVFormatContext fmt) throws MediaException.OverLimit {
        for (int i = 0; i < fmt.nb_streams(); i++) {
            AVStream stream = fmt.streams(i);
            AVCodecParameters par = stream.codecpar();
            // Cover art is a "video" stream of one picture that is never decoded; its size does not matter.
            boolean coverArt = (stream.disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) != 0;
            if (par.codec_type() == avutil.AVMEDIA_TYPE_VIDEO && !coverArt) {
                limits.checkPicture(par.width(), par.height());
            }
        }
        if (fmt.duration() != avutil.AV_NOPTS_VALUE) {
            limits.checkDuration(fmt.duration() / (double) avutil.AV_TIME_BASE);
        }
    }

    /** Feeds video packets until one frame comes out; a file whose first frame fails will not encode. */
    private void decodeFirstFrame(AVFormatContext fmt, int videoIndex, String containerLong) throws MediaException {
        AVStream st = fmt.streams(videoIndex);
        AVCodec codec = avcodec.avcodec_find_decoder(st.codecpar().codec_id());
        AVCodecContext dec = avcodec.avcodec_alloc_context3(codec);
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        try {
            avcodec.avcodec_parameters_to_context(dec, st.codecpar());
            dec.thread_count(1);
            int ret = avcodec.avcodec_open2(dec, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
            if (ret < 0) {
                throw new MediaException.Unsupported("the video decoder cannot open this stream: " + Ffmpeg.describe(ret));
            }
            int packets = 0;
            boolean draining = false;
            while (true) {
                if (!draining) {
                    ret = avformat.av_read_frame(fmt, pkt);
                    if (ret < 0) {
                        draining = true;
                        avcodec.avcodec_send_packet(dec, null);
                    } else {
                        if (pkt.stream_index() == videoIndex) {
                            packets++;
                            avcodec.avcodec_send_packet(dec, pkt);
                        }
                        avcodec.av_packet_unref(pkt);
                    }
                }
                ret = avcodec.avcodec_receive_frame(dec, frame);
                if (ret >= 0) {
                    return;
                }
                if (ret == avutil.AVERROR_EOF || (draining && ret != avutil.AVERROR_EAGAIN())) {
                    break;
                }
                if (packets > 500) {
                    break;
                }
            }
            throw new MediaException.Corrupt("no video frame could be decoded from this " + containerLong
                    + " file; it is damaged or truncated");
        } finally {
            avutil.av_frame_free(frame);
            avcodec.av_packet_free(pkt);
            avcodec.avcodec_free_context(dec);
        }
    }

    /**
     * Seeks to shortly before the declared end and requires packets from there. Truncated MP4s keep
     * their moov (with the full sample table) but lose the media data at the end: the demuxer then
     * finds nothing to read past the cut.
     */
    private void checkTail(AVFormatContext fmt, double start, double duration) throws MediaException {
        double target = start + Math.max(0, duration - 3.0);
        long ts = (long) (target * avutil.AV_TIME_BASE);
        if (avformat.avformat_seek_file(fmt, -1, Long.MIN_VALUE, ts, ts, 0) < 0) {
            return; // unseekable containers (raw streams) are checked by the encode itself
        }
        AVPacket pkt = avcodec.av_packet_alloc();
        try {
            double lastEnd = Double.NaN;
            int read = 0;
            while (avformat.av_read_frame(fmt, pkt) >= 0) {
                AVStream st = fmt.streams(pkt.stream_index());
                long pts = pkt.pts() != avutil.AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
                if (pts != avutil.AV_NOPTS_VALUE && pkt.size() > 0) {
                    double end = Ffmpeg.seconds(pts + Math.max(0, pkt.duration()), st.time_base());
                    lastEnd = Double.isNaN(lastEnd) ? end : Math.max(lastEnd, end);
                    read++;
                }
                avcodec.av_packet_unref(pkt);
            }
            double expectedEnd = start + duration;
            if (read == 0 || !(lastEnd >= expectedEnd - TAIL_TOLERANCE_SECONDS)) {
                String readTo = Double.isNaN(lastEnd) ? "nothing could be read near the end"
                        : String.format(java.util.Locale.ROOT, "the data stops at %.1f s", lastEnd - start);
                throw new MediaException.Corrupt(String.format(java.util.Locale.ROOT,
                        "the file is truncated: it declares %.1f s but %s", duration, readTo));
            }
        } finally {
            avcodec.av_packet_free(pkt);
        }
    }

    /**
     * Seeks to each {@link #SPOT_CHECKS} point and decodes from the keyframe before it up to it (at most
     * {@link #SPOT_CHECK_FRAMES} frames): every picture on the way must decode without an error or concealment.
     */
    private void checkSpots(AVFormatContext fmt, int videoIndex, double start, double duration) throws MediaException {
        AVStream st = fmt.streams(videoIndex);
        AVCodec codec = avcodec.avcodec_find_decoder(st.codecpar().codec_id());
        for (double fraction : SPOT_CHECKS) {
            double target = start + duration * fraction;
            long ts = (long) (target * avutil.AV_TIME_BASE);
            if (avformat.avformat_seek_file(fmt, -1, Long.MIN_VALUE, ts, ts, 0) < 0) {
                return; // unseekable containers (raw streams) are checked by the encode itself
            }
            // A fresh decoder for each point, as a player has after a seek.
            AVCodecContext dec = avcodec.avcodec_alloc_context3(codec);
            try {
                avcodec.avcodec_parameters_to_context(dec, st.codecpar());
                dec.thread_count(0);
                if (avcodec.avcodec_open2(dec, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null) < 0
                        || !decodesCleanlyTo(fmt, dec, st, videoIndex, target)) {
                    throw new MediaException.Corrupt(String.format(java.util.Locale.ROOT,
                            "the video is damaged about %.0f s in: its pictures there do not decode",
                            duration * fraction));
                }
            } finally {
                avcodec.avcodec_free_context(dec);
            }
        }
    }

    /**
     * Decodes video from the current position until a picture at or after {@code targetSeconds} comes out; false as
     * soon as the decoder refuses a packet or reports an error it concealed. Reaching the end is not damage (the
     * tail check covers a missing end), and neither is a stretch longer than {@link #SPOT_CHECK_FRAMES}.
     */
    private static boolean decodesCleanlyTo(AVFormatContext fmt, AVCodecContext dec, AVStream st, int videoIndex,
                                            double targetSeconds) {
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        try {
            int frames = 0;
            boolean draining = false;
            while (frames < SPOT_CHECK_FRAMES) {
                if (!draining) {
                    int ret = avformat.av_read_frame(fmt, pkt);
                    if (ret < 0) {
                        draining = true;
                        avcodec.avcodec_send_packet(dec, null);
                    } else {
                        boolean video = pkt.stream_index() == videoIndex;
                        int sent = video ? avcodec.avcodec_send_packet(dec, pkt) : 0;
                        avcodec.av_packet_unref(pkt);
                        if (sent < 0 && sent != avutil.AVERROR_EAGAIN()) {
                            return false;
                        }
                    }
                }
                while (true) {
                    int ret = avcodec.avcodec_receive_frame(dec, frame);
                    if (ret == avutil.AVERROR_EAGAIN()) {
                        if (draining) {
                            return true;
                        }
                        break;
                    }
                    if (ret == avutil.AVERROR_EOF) {
                        return true;
                    }
                    if (ret < 0 || frame.decode_error_flags() != 0 || (frame.flags() & AV_FRAME_FLAG_CORRUPT) != 0) {
                        return false;
                    }
                    frames++;
                    long pts = frame.best_effort_timestamp();
                    if (pts != avutil.AV_NOPTS_VALUE && Ffmpeg.seconds(pts, st.time_base()) >= targetSeconds) {
                        return true;
                    }
                }
            }
            return true;
        } finally {
            avutil.av_frame_free(frame);
            avcodec.av_packet_free(pkt);
        }
    }

    /**
     * Names the container that the file's first bytes announce, or null. Lets us tell "not a video"
     * (415) from "a video container cut short before its index" (422), e.g. an MP4 whose moov was at the end.
     */
    private static String sniffContainer(Path file) {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return null;
        }
        try (BytePointer buf = new BytePointer(head.length + avformat.AVPROBE_PADDING_SIZE);
             BytePointer name = new BytePointer("");
             AVProbeData probe = new AVProbeData()) {
            buf.put(head).position(0);
            probe.buf(buf).buf_size(head.length).filename(name);
            int[] score = {0};
            AVInputFormat format = avformat.av_probe_input_format3(probe, 1, score);
            if (format == null || score[0] < avformat.AVPROBE_SCORE_MAX / 4
                    || IMAGE_CONTAINERS.contains(format.name().getString())) {
                return null;
            }
            return format.long_name() == null ? format.name().getString() : format.long_name().getString();
        }
    }

    /**
     * Clockwise quarter turns needed to show the picture upright, from the display matrix (as FFmpeg's own
     * autorotate reads it); 0 when there is none or it is not a quarter turn.
     */
    static int rotation(AVCodecParameters par) {
        AVPacketSideData matrix = avcodec.av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
                avcodec.AV_PKT_DATA_DISPLAYMATRIX);
        if (matrix == null || matrix.isNull() || matrix.size() < 36) {
            return 0;
        }
        double counterClockwise = avutil.av_display_rotation_get(new IntPointer(matrix.data()));
        if (Double.isNaN(counterClockwise)) {
            return 0;
        }
        long clockwise = Math.round(-counterClockwise);
        int normalized = (int) (((clockwise % 360) + 360) % 360);
        return normalized % 90 == 0 ? normalized : 0;
    }

    private static String codecName(int codecId) {
        return avcodec.avcodec_get_name(codecId).getString();
    }

    private static double startSeconds(AVStream st, AVFormatContext fmt) {
        double s = Ffmpeg.seconds(st.start_time(), st.time_base());
        return Double.isNaN(s) ? 0 : s;
    }

    private static double durationSeconds(AVStream st, AVFormatContext fmt) {
        double d = Ffmpeg.seconds(st.duration(), st.time_base());
        if (Double.isNaN(d) && fmt.duration() != avutil.AV_NOPTS_VALUE) {
            d = fmt.duration() / (double) avutil.AV_TIME_BASE;
        }
        return Double.isNaN(d) ? 0 : d;
    }
}
