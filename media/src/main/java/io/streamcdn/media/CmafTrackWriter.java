package io.streamcdn.media;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one track as CMAF: {@code init.mp4} (ftyp + moov) and one {@code seg-NNNNN.m4s} (moof + mdat)
 * per segment, into the track's folder.
 *
 * <p>FFmpeg's mp4 muxer runs in {@code frag_custom} mode into an in-memory buffer, the way FFmpeg's own
 * DASH and HLS muxers drive it: we decide where fragments end ({@code av_write_frame(ctx, NULL)}), take
 * the bytes, and write each fragment to its own file. {@code delay_moov} makes the first flush emit
 * only the moov, built once the first packets are known; that flush is the init segment.
 * Fragments use {@code default_base_moof} data offsets, so each segment file stands alone, and signed
 * composition offsets (trun version 1), so B-frame delay needs no edit list: each segment's earliest
 * presentation time equals its decode time, which is what the MPD timeline and HLS EXTINFs describe and
 * what players that ignore edit lists in fragmented files (browsers' MSE) see.
 */
final class CmafTrackWriter implements AutoCloseable {

    private static final String MOVFLAGS = "+frag_custom+dash+delay_moov+skip_sidx+skip_trailer+cmaf"
            + "+default_base_moof+negative_cts_offsets";

    private final Path dir;
    private final AVFormatContext oc;
    private final AVStream stream;
    private final AVRational codecTimeBase;
    private final List<Long> starts = new ArrayList<>();
    private final List<Long> sizes = new ArrayList<>();
    private boolean initWritten;
    private final long defaultDuration;
    private long endPts = Long.MIN_VALUE;

    /**
     * @param frameDuration duration of one frame in the encoder's time base, used where an encoder
     *                      leaves packet durations unset (libx264 does), to know where the last segment ends
     */
    CmafTrackWriter(Path dir, AVCodecContext encoder, long frameDuration) throws MediaException {
        this.dir = dir;
        this.defaultDuration = frameDuration;
        this.codecTimeBase = new AVRational().num(encoder.time_base().num()).den(encoder.time_base().den());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MediaException.EncodeFailed("cannot create " + dir + ": " + e.getMessage(), e);
        }
        oc = new AVFormatContext(null);
        Ffmpeg.check(avformat.avformat_alloc_output_context2(oc, null, "mp4", null), "allocate the mp4 muxer");
        stream = avformat.avformat_new_stream(oc, null);
        Ffmpeg.check(avcodec.avcodec_parameters_from_context(stream.codecpar(), encoder), "copy codec parameters");
        stream.time_base(encoder.time_base());
        openBuffer();
        AVDictionary options = new AVDictionary(null);
        avutil.av_dict_set(options, "movflags", MOVFLAGS, 0);
        try {
            Ffmpeg.check(avformat.avformat_write_header(oc, options), "write the mp4 header");
        } finally {
            avutil.av_dict_free(options);
        }
    }

    /** Stream time base chosen by the muxer (its timescale), valid after construction. */
    int timescale() {
        return stream.time_base().den() / Math.max(1, stream.time_base().num());
    }

    /**
     * Writes one encoded packet (timestamps in the encoder's time base). {@code startsSegment} closes the
     * current segment first; it must be true for the very first packet.
     */
    void write(AVPacket pkt, boolean startsSegment) throws MediaException {
        if (pkt.duration() <= 0) {
            pkt.duration(defaultDuration);
        }
        avcodec.av_packet_rescale_ts(pkt, codecTimeBase, stream.time_base());
        pkt.stream_index(stream.index());
        if (startsSegment || starts.isEmpty()) {
            if (!starts.isEmpty()) {
                flushSegment();
            }
            starts.add(pkt.pts());
        }
        endPts = Math.max(endPts, pkt.pts() + Math.max(0, pkt.duration()));
        Ffmpeg.check(avformat.av_write_frame(oc, pkt), "write a packet");
    }

    /** Flushes the last segment and returns the track's segments (duration = next start - start). */
    List<Ladder.Segment> finish() throws MediaException {
        if (starts.isEmpty()) {
            throw new MediaException.EncodeFailed("the " + dir.getFileName() + " track received no packets", null);
        }
        flushSegment();
        Ffmpeg.check(avformat.av_write_trailer(oc), "finish the mp4");
        List<Ladder.Segment> segments = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            long start = starts.get(i);
            long end = i + 1 < starts.size() ? starts.get(i + 1) : endPts;
            segments.add(new Ladder.Segment(i + 1, Math.max(0, start), end - Math.max(0, start), sizes.get(i)));
        }
        return segments;
    }

    private void flushSegment() throws MediaException {
        if (!initWritten) {
            avformat.av_write_frame(oc, null);
            writeFile(dir.resolve(PackageLayout.INIT), takeBuffer());
            openBuffer();
            initWritten = true;
        }
        Ffmpeg.check(avformat.av_write_frame(oc, null), "flush a fragment");
        byte[] bytes = takeBuffer();
        openBuffer();
        writeFile(dir.resolve(PackageLayout.segmentFile(starts.size())), bytes);
        sizes.add((long) bytes.length);
    }

    private void openBuffer() throws MediaException {
        AVIOContext pb = new AVIOContext(null);
        Ffmpeg.check(avformat.avio_open_dyn_buf(pb), "open an output buffer");
        oc.pb(pb);
    }

    private byte[] takeBuffer() {
        AVIOContext pb = oc.pb();
        avformat.avio_flush(pb);
        BytePointer data = new BytePointer((org.bytedeco.javacpp.Pointer) null);
        int size = avformat.avio_close_dyn_buf(pb, data);
        oc.pb(null);
        byte[] bytes = new byte[Math.max(0, size)];
        if (size > 0) {
            data.get(bytes, 0, size);
        }
        avutil.av_free(data);
        return bytes;
    }

    private static void writeFile(Path file, byte[] bytes) throws MediaException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        } catch (IOException e) {
            throw new MediaException.EncodeFailed("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (oc.pb() != null) {
            takeBuffer();
        }
        avformat.avformat_free_context(oc);
    }
}
