package io.streamcdn.media.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads presentation timing straight from CMAF boxes, as a browser's MSE does: a fragment's samples are
 * decoded from {@code tfdt} on, each lasting its {@code trun}/{@code tfhd}/{@code trex} duration, and
 * shown at decode time plus its (signed, in trun version 1) composition offset. Independent of FFmpeg's
 * demuxer, which shifts tracks that use negative offsets.
 */
public final class Bmff {

    private Bmff() {
    }

    /** Timescale from the init segment's mdhd. */
    public static long timescale(Path init) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(init));
        int mdhd = find(b, 0, b.limit(), "moov", "trak", "mdia", "mdhd");
        int version = b.get(mdhd + 8);
        return Integer.toUnsignedLong(b.getInt(mdhd + 8 + 4 + (version == 1 ? 16 : 8)));
    }

    /** Earliest presentation time of a media segment, in seconds. */
    public static double earliestPresentation(Path init, Path segment) throws IOException {
        return presentationTimes(init, segment).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /**
     * How much the init segment's edit list delays presentation, in seconds: empty edits minus the first
     * edit's media time. Players that honour edit lists (FFmpeg's) and those that ignore them in
     * fragmented files (browsers' MSE) agree only when this is 0.
     */
    public static double editListOffset(Path init) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(init));
        int mvhd = find(b, 0, b.limit(), "moov", "mvhd");
        long movieScale = Integer.toUnsignedLong(b.getInt(mvhd + 8 + 4 + (b.get(mvhd + 8) == 1 ? 16 : 8)));
        long mediaScale = timescale(init);
        int elst;
        try {
            elst = find(b, 0, b.limit(), "moov", "trak", "edts", "elst");
        } catch (IllegalArgumentException none) {
            return 0;
        }
        int version = b.get(elst + 8);
        int entries = b.getInt(elst + 12);
        int p = elst + 16;
        double empty = 0;
        for (int i = 0; i < entries; i++) {
            long duration = version == 1 ? b.getLong(p) : Integer.toUnsignedLong(b.getInt(p));
            long mediaTime = version == 1 ? b.getLong(p + 8) : b.getInt(p + 4);
            p += version == 1 ? 20 : 12;
            if (mediaTime == -1) {
                empty += (double) duration / movieScale;
            } else {
                return empty - (double) mediaTime / mediaScale;
            }
        }
        return empty;
    }

    /** Presentation time of every sample of a media segment, in decode order, in seconds. */
    public static java.util.List<Double> presentationTimes(Path init, Path segment) throws IOException {
        ByteBuffer ib = ByteBuffer.wrap(Files.readAllBytes(init));
        int trex = find(ib, 0, ib.limit(), "moov", "mvex", "trex");
        long trexDuration = Integer.toUnsignedLong(ib.getInt(trex + 8 + 4 + 8));
        long timescale = timescale(init);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        int traf = find(b, 0, b.limit(), "moof", "traf");
        int trafEnd = traf + b.getInt(traf);
        int tfhd = find(b, traf + 8, trafEnd, "tfhd");
        int tfhdFlags = b.getInt(tfhd + 8) & 0xffffff;
        int p = tfhd + 16;
        if ((tfhdFlags & 0x01) != 0) p += 8;
        if ((tfhdFlags & 0x02) != 0) p += 4;
        long defaultDuration = trexDuration;
        if ((tfhdFlags & 0x08) != 0) defaultDuration = Integer.toUnsignedLong(b.getInt(p));
        int tfdt = find(b, traf + 8, trafEnd, "tfdt");
        long decodeTime = b.get(tfdt + 8) == 1 ? b.getLong(tfdt + 12) : Integer.toUnsignedLong(b.getInt(tfdt + 12));
        int trun = find(b, traf + 8, trafEnd, "trun");
        int version = b.get(trun + 8);
        int flags = b.getInt(trun + 8) & 0xffffff;
        int count = b.getInt(trun + 12);
        int q = trun + 16;
        if ((flags & 0x001) != 0) q += 4;
        if ((flags & 0x004) != 0) q += 4;
        java.util.List<Double> times = new java.util.ArrayList<>();
        long dts = decodeTime;
        for (int i = 0; i < count; i++) {
            long duration = defaultDuration;
            long cts = 0;
            if ((flags & 0x100) != 0) { duration = Integer.toUnsignedLong(b.getInt(q)); q += 4; }
            if ((flags & 0x200) != 0) q += 4;
            if ((flags & 0x400) != 0) q += 4;
            if ((flags & 0x800) != 0) { cts = version == 1 ? b.getInt(q) : Integer.toUnsignedLong(b.getInt(q)); q += 4; }
            times.add((double) (dts + cts) / timescale);
            dts += duration;
        }
        return times;
    }

    /** Offset of the box reached by the path of types, searching from {@code start} to {@code end}. */
    private static int find(ByteBuffer b, int start, int end, String... path) {
        int pos = start;
        int limit = end;
        for (int level = 0; level < path.length; level++) {
            int found = -1;
            while (pos + 8 <= limit) {
                int size = b.getInt(pos);
                String type = new String(new byte[] {b.get(pos + 4), b.get(pos + 5), b.get(pos + 6), b.get(pos + 7)},
                        java.nio.charset.StandardCharsets.US_ASCII);
                if (size < 8) {
                    break;
                }
                if (type.equals(path[level])) {
                    found = pos;
                    break;
                }
                pos += size;
            }
            if (found < 0) {
                throw new IllegalArgumentException("no " + String.join("/", path) + " box");
            }
            if (level < path.length - 1) {
                limit = found + b.getInt(found);
                pos = found + 8;
            } else {
                return found;
            }
        }
        throw new IllegalStateException();
    }
}
