package io.streamcdn.media.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What FFmpeg's own ffprobe sees in a track of a published ladder: init segment and media segments
 * concatenated, as a player's buffer would hold them.
 */
public final class Probed {

    private Probed() {
    }

    /** init.mp4 followed by every seg-*.m4s of a representation folder, in order, as one file. */
    public static Path concatenate(Path representationDir, Path target) throws IOException {
        List<Path> parts = new ArrayList<>();
        parts.add(representationDir.resolve("init.mp4"));
        try (Stream<Path> files = Files.list(representationDir)) {
            files.filter(p -> p.getFileName().toString().matches("seg-\\d+\\.m4s")).sorted().forEach(parts::add);
        }
        return concatenate(parts, target);
    }

    public static Path concatenate(List<Path> parts, Path target) throws IOException {
        try (var out = Files.newOutputStream(target)) {
            for (Path p : parts) {
                Files.copy(p, out);
            }
        }
        return target;
    }

    /** The first stream's entries, e.g. {@code stream("codec_name,width,height", file)}. */
    public static Map<String, String> stream(String entries, Path file) {
        String out = FfmpegTools.probe("-v", "error", "-show_entries", "stream=" + entries, "-of",
                "default=noprint_wrappers=1", file.toString());
        Map<String, String> values = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.putIfAbsent(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    /** A demuxed packet: presentation and decode time in seconds, and whether it is a keyframe. */
    public record Packet(double pts, double dts, boolean keyframe) {
    }

    public static List<Packet> packets(Path file) {
        String out = FfmpegTools.probe("-v", "error", "-show_entries", "packet=pts_time,dts_time,flags", "-of", "csv=p=0",
                file.toString());
        List<Packet> packets = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 3 && !f[0].isEmpty() && !f[0].equals("N/A")) {
                packets.add(new Packet(Double.parseDouble(f[0]), parseOr(f[1], Double.parseDouble(f[0])),
                        f[2].startsWith("K")));
            }
        }
        return packets;
    }

    /** Average luma (0..255) of every decoded frame, keyed by ffprobe's presentation time. */
    public static List<double[]> lumaByFrame(Path file) {
        String escaped = file.toString().replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'");
        String out = FfmpegTools.probe("-v", "error", "-f", "lavfi", "-i", "movie='" + escaped + "',signalstats",
                "-show_entries", "frame=pts_time:frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0");
        List<double[]> frames = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(",");
            if (f.length >= 2 && !f[0].isEmpty() && !f[0].equals("N/A")) {
                frames.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        return frames;
    }

    private static double parseOr(String text, double fallback) {
        return text.isEmpty() || text.equals("N/A") ? fallback : Double.parseDouble(text);
    }
}
