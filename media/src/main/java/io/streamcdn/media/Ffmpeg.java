package io.streamcdn.media;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/**
 * Process-wide FFmpeg set-up and error text. FFmpeg's own log is routed through JavaCV's callback
 * (which reaches SLF4J) at warning level, so a broken upload shows FFmpeg's words in our log without
 * flooding it with per-frame chatter.
 */
final class Ffmpeg {

    private Ffmpeg() {
    }

    /** Idempotent: FFmpeg's log callback is process-wide, and setting the same one again changes nothing. */
    static void init() {
        // JavaCPP's logger writes to stderr unless told to use SLF4J; it reads this when its loggers are made.
        if (System.getProperty("org.bytedeco.javacpp.logger") == null) {
            System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
        }
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.set();
    }

    /** FFmpeg's message for an error code, e.g. "Invalid data found when processing input". */
    static String describe(int errorCode) {
        byte[] buffer = new byte[256];
        avutil.av_strerror(errorCode, buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Throws {@link MediaException.EncodeFailed} "could not {what}: {FFmpeg's reason}" for a negative return code. */
    static void check(int ret, String what) throws MediaException {
        if (ret < 0) {
            throw new MediaException.EncodeFailed("could not " + what + ": " + describe(ret), null);
        }
    }

    static double seconds(long ts, org.bytedeco.ffmpeg.avutil.AVRational timeBase) {
        return ts == avutil.AV_NOPTS_VALUE ? Double.NaN : ts * (double) timeBase.num() / timeBase.den();
    }
}
