package io.streamcdn.media;

import java.util.List;
import java.util.Locale;

/**
 * Writes the static MPEG-DASH manifest (ISO/IEC 23009-1, isoff-live profile) for a finished ladder.
 *
 * <p>All video representations share one AdaptationSet, so a player may switch between them at any
 * segment boundary (their segments are aligned and each starts with an IDR: {@code segmentAlignment},
 * {@code startWithSAP=1}). Audio has its own AdaptationSet. Segments are addressed by a
 * {@code SegmentTemplate} with {@code $Number$} (the same files HLS lists) and a {@code SegmentTimeline}
 * carrying each segment's real duration: at 29.97 fps a 2 s segment is 59 or 60 frames, and a
 * timeline keeps players' seek arithmetic exact instead of drifting by a frame every 16 segments.
 * When every video representation has the same timeline (the normal case: the encoder feeds every
 * rung the same frames), the template is written once on the AdaptationSet.
 */
public final class MpdWriter {

    private MpdWriter() {
    }

    public static String write(Ladder ladder) {
        double maxSegment = 0;
        for (Ladder.Track t : tracks(ladder)) {
            for (Ladder.Segment s : t.segments()) {
                maxSegment = Math.max(maxSegment, (double) s.duration() / t.timescale());
            }
        }
        StringBuilder x = new StringBuilder(4096);
        x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\"")
                .append(" type=\"static\" mediaPresentationDuration=\"").append(duration(ladder.durationSeconds()))
                .append("\" minBufferTime=\"").append(duration(Math.max(maxSegment, ladder.segmentSeconds())))
                .append("\">\n");
        x.append("  <Period id=\"0\" start=\"PT0S\">\n");
        if (!ladder.video().isEmpty()) {
            videoSet(x, ladder.video());
        }
        if (ladder.audio() != null) {
            audioSet(x, ladder.audio());
        }
        x.append("  </Period>\n</MPD>\n");
        return x.toString();
    }

    private static void videoSet(StringBuilder x, List<Ladder.Track> video) {
        Ladder.Track top = video.get(0);
        int maxWidth = video.stream().mapToInt(Ladder.Track::width).max().orElseThrow();
        int maxHeight = video.stream().mapToInt(Ladder.Track::height).max().orElseThrow();
        boolean shared = video.stream().allMatch(t -> t.timescale() == top.timescale()
                && t.segments().stream().map(s -> s.start() + ":" + s.duration()).toList()
                .equals(top.segments().stream().map(s -> s.start() + ":" + s.duration()).toList()));
        x.append("    <AdaptationSet id=\"0\" contentType=\"video\" mimeType=\"video/mp4\"")
                .append(" segmentAlignment=\"true\" startWithSAP=\"1\"")
                .append(" maxWidth=\"").append(maxWidth).append("\" maxHeight=\"").append(maxHeight).append('"')
                .append(" maxFrameRate=\"").append(top.frameRate()).append('"')
                .append(" par=\"").append(pictureAspect(top.width(), top.height())).append("\">\n");
        if (shared) {
            template(x, top, "      ");
        }
        for (Ladder.Track t : video) {
            x.append("      <Representation id=\"").append(escape(t.id())).append("\" codecs=\"")
                    .append(escape(t.codecs())).append("\" bandwidth=\"").append(t.peakBandwidth())
                    .append("\" width=\"").append(t.width()).append("\" height=\"").append(t.height())
                    .append("\" frameRate=\"").append(t.frameRate()).append("\" sar=\"1:1\"");
            if (shared) {
                x.append("/>\n");
            } else {
                x.append(">\n");
                template(x, t, "        ");
                x.append("      </Representation>\n");
            }
        }
        x.append("    </AdaptationSet>\n");
    }

    private static void audioSet(StringBuilder x, Ladder.Track audio) {
        x.append("    <AdaptationSet id=\"1\" contentType=\"audio\" mimeType=\"audio/mp4\" lang=\"und\"")
                .append(" segmentAlignment=\"true\" startWithSAP=\"1\">\n");
        x.append("      <Representation id=\"").append(escape(audio.id())).append("\" codecs=\"")
                .append(escape(audio.codecs())).append("\" bandwidth=\"").append(audio.peakBandwidth())
                .append("\" audioSamplingRate=\"").append(audio.sampleRate()).append("\">\n");
        x.append("        <AudioChannelConfiguration schemeIdUri=\"urn:mpeg:dash:23003:3:audio_channel_configuration:2011\"")
                .append(" value=\"").append(audio.channels()).append("\"/>\n");
        template(x, audio, "        ");
        x.append("      </Representation>\n    </AdaptationSet>\n");
    }

    private static void template(StringBuilder x, Ladder.Track t, String indent) {
        x.append(indent).append("<SegmentTemplate timescale=\"").append(t.timescale())
                .append("\" initialization=\"").append(escape(PackageLayout.INIT_TEMPLATE))
                .append("\" media=\"").append(escape(PackageLayout.SEGMENT_TEMPLATE))
                .append("\" startNumber=\"1\">\n");
        x.append(indent).append("  <SegmentTimeline>\n");
        List<Ladder.Segment> segments = t.segments();
        long expectedStart = -1;
        for (int i = 0; i < segments.size(); ) {
            Ladder.Segment s = segments.get(i);
            int repeat = 0;
            while (i + repeat + 1 < segments.size() && segments.get(i + repeat + 1).duration() == s.duration()
                    && segments.get(i + repeat + 1).start() == s.start() + (repeat + 1) * s.duration()) {
                repeat++;
            }
            x.append(indent).append("    <S");
            if (s.start() != expectedStart) {
                x.append(" t=\"").append(s.start()).append('"');
            }
            x.append(" d=\"").append(s.duration()).append('"');
            if (repeat > 0) {
                x.append(" r=\"").append(repeat).append('"');
            }
            x.append("/>\n");
            expectedStart = s.start() + (repeat + 1) * s.duration();
            i += repeat + 1;
        }
        x.append(indent).append("  </SegmentTimeline>\n");
        x.append(indent).append("</SegmentTemplate>\n");
    }

    private static List<Ladder.Track> tracks(Ladder ladder) {
        List<Ladder.Track> all = new java.util.ArrayList<>(ladder.video());
        if (ladder.audio() != null) {
            all.add(ladder.audio());
        }
        return all;
    }

    /** xs:duration with millisecond precision, e.g. {@code PT10.043S}. */
    static String duration(double seconds) {
        return String.format(Locale.ROOT, "PT%.3fS", seconds);
    }

    private static String pictureAspect(int width, int height) {
        int g = gcd(width, height);
        return (width / g) + ":" + (height / g);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
