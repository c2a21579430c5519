package io.streamcdn.media;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes the static MPEG-DASH manifest (ISO/IEC 23009-1, live profile) of a packaged {@link Ladder}.
 *
 * <p>Segments are addressed with a {@code SegmentTemplate} by number and a {@code SegmentTimeline} carrying
 * the real durations, since the encoder cuts at keyframes and 2 s is only the target. All video
 * representations sit in one AdaptationSet so players switch between them seamlessly; audio has its own.
 * The template goes on the AdaptationSet when all its representations share one timeline (the normal case:
 * the encoder aligns keyframes across rungs) and on each Representation otherwise, which is the only correct
 * place for a timeline that differs.
 *
 * <p>{@code @bandwidth} is the peak per-segment bitrate and {@code minBufferTime} the longest segment: at
 * that bandwidth each segment downloads within its own duration, so one buffered segment is enough to never
 * stall, which is exactly the promise the two attributes make together.
 */
public final class MpdWriter {

    static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";
    static final String LIVE_PROFILE = "urn:mpeg:dash:profile:isoff-live:2011";
    static final String CHANNEL_CONFIGURATION_SCHEME = "urn:mpeg:dash:23003:3:audio_channel_configuration:2011";

    private final XMLStreamWriter xml;
    private int depth;

    private MpdWriter(XMLStreamWriter xml) {
        this.xml = xml;
    }

    /** The MPD as an XML document; encode it as UTF-8, which its declaration names. */
    public static String write(Ladder ladder) {
        Objects.requireNonNull(ladder, "ladder");
        if (ladder.video().isEmpty()) {
            throw new IllegalArgumentException("a ladder without video tracks has nothing to stream");
        }
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            new MpdWriter(xml).mpd(ladder);
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            // Writing to a StringWriter cannot fail for I/O reasons; this is a bug in the element sequence.
            throw new IllegalStateException("could not write the MPD", e);
        }
        return out.toString();
    }

    private void mpd(Ladder ladder) throws XMLStreamException {
        long maxSegmentMillis = 0;
        for (Ladder.Track track : tracks(ladder)) {
            SegmentTimeline timeline = SegmentTimeline.of(track);
            maxSegmentMillis = Math.max(maxSegmentMillis,
                    ceilDiv(timeline.maxSegmentDuration() * 1000, track.timescale()));
        }
        String maxSegment = duration(BigDecimal.valueOf(maxSegmentMillis, 3));

        xml.setDefaultNamespace(NAMESPACE);
        open("MPD");
        xml.writeDefaultNamespace(NAMESPACE);
        attributes("profiles", LIVE_PROFILE,
                "type", "static",
                "mediaPresentationDuration", duration(BigDecimal.valueOf(ladder.durationSeconds())),
                "minBufferTime", maxSegment,
                "maxSegmentDuration", maxSegment);
        open("Period", "id", "0", "start", "PT0S");
        videoAdaptationSet(ladder.video());
        if (ladder.audio() != null) {
            audioAdaptationSet(ladder.audio());
        }
        close();
        close();
    }

    private void videoAdaptationSet(List<Ladder.Track> video) throws XMLStreamException {
        video.forEach(t -> Objects.requireNonNull(t.frameRate(), () -> "video track " + t.id() + " has no frame rate"));
        Ladder.Track largest = video.stream()
                .max(Comparator.comparingLong(t -> (long) t.width() * t.height())).orElseThrow();
        Rational maxFrameRate = video.stream()
                .map(Ladder.Track::frameRate)
                .max(Comparator.comparingDouble(Rational::value)).orElseThrow();
        open("AdaptationSet", "id", "1",
                "contentType", "video",
                "mimeType", "video/mp4",
                "segmentAlignment", "true",
                "startWithSAP", "1",
                "maxWidth", Integer.toString(video.stream().mapToInt(Ladder.Track::width).max().orElseThrow()),
                "maxHeight", Integer.toString(video.stream().mapToInt(Ladder.Track::height).max().orElseThrow()),
                "maxFrameRate", maxFrameRate.toString(),
                "par", pictureAspectRatio(largest.width(), largest.height()));
        boolean shared = sharedTimeline(video);
        if (shared) {
            segmentTemplate(SegmentTimeline.of(video.get(0)));
        }
        for (Ladder.Track track : video) {
            String[] attributes = {"id", track.id(),
                    "codecs", track.codecs(),
                    "bandwidth", Long.toString(track.peakBandwidth()),
                    "width", Integer.toString(track.width()),
                    "height", Integer.toString(track.height()),
                    "frameRate", track.frameRate().toString(),
                    // Every rung is scaled to square pixels, whatever the source's sample aspect ratio.
                    "sar", "1:1"};
            if (shared) {
                leaf("Representation", attributes);
            } else {
                open("Representation", attributes);
                segmentTemplate(SegmentTimeline.of(track));
                close();
            }
        }
        close();
    }

    private void audioAdaptationSet(Ladder.Track audio) throws XMLStreamException {
        open("AdaptationSet", "id", "2",
                "contentType", "audio",
                "mimeType", "audio/mp4",
                "lang", "und",
                "segmentAlignment", "true",
                "startWithSAP", "1");
        segmentTemplate(SegmentTimeline.of(audio));
        open("Representation", "id", audio.id(),
                "codecs", audio.codecs(),
                "bandwidth", Long.toString(audio.peakBandwidth()),
                "audioSamplingRate", Integer.toString(audio.sampleRate()));
        leaf("AudioChannelConfiguration", "schemeIdUri", CHANNEL_CONFIGURATION_SCHEME,
                "value", Integer.toString(audio.channels()));
        close();
        close();
    }

    private void segmentTemplate(SegmentTimeline timeline) throws XMLStreamException {
        open("SegmentTemplate", "timescale", Integer.toString(timeline.timescale()),
                "initialization", PackageLayout.INIT_TEMPLATE,
                "media", PackageLayout.SEGMENT_TEMPLATE,
                "startNumber", "1");
        open("SegmentTimeline");
        for (SegmentTimeline.Entry entry : timeline.entries()) {
            String t = Long.toString(entry.start());
            String d = Long.toString(entry.duration());
            String r = Integer.toString(entry.repeat());
            if (entry.explicitStart() && entry.repeat() > 0) {
                leaf("S", "t", t, "d", d, "r", r);
            } else if (entry.explicitStart()) {
                leaf("S", "t", t, "d", d);
            } else if (entry.repeat() > 0) {
                leaf("S", "d", d, "r", r);
            } else {
                leaf("S", "d", d);
            }
        }
        close();
        close();
    }

    private static boolean sharedTimeline(List<Ladder.Track> tracks) {
        SegmentTimeline first = SegmentTimeline.of(tracks.get(0));
        return tracks.stream().allMatch(t -> SegmentTimeline.of(t).equals(first));
    }

    private static List<Ladder.Track> tracks(Ladder ladder) {
        return ladder.audio() == null
                ? ladder.video()
                : Stream.concat(ladder.video().stream(), Stream.of(ladder.audio())).toList();
    }

    /** {@code 16:9} for 1920x1080; other sizes reduced as far as they go ({@code 427:240} for 854x480). */
    static String pictureAspectRatio(int width, int height) {
        int gcd = BigInteger.valueOf(width).gcd(BigInteger.valueOf(height)).intValue();
        return width / gcd + ":" + height / gcd;
    }

    /** An xs:duration in seconds, to the millisecond: {@code PT9.977S}, {@code PT2S}. */
    static String duration(BigDecimal seconds) {
        BigDecimal millis = seconds.setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return "PT" + (millis.signum() == 0 ? "0" : millis.toPlainString()) + "S";
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private void open(String name, String... attributes) throws XMLStreamException {
        indent();
        xml.writeStartElement(NAMESPACE, name);
        attributes(attributes);
        depth++;
    }

    private void leaf(String name, String... attributes) throws XMLStreamException {
        indent();
        xml.writeEmptyElement(NAMESPACE, name);
        attributes(attributes);
    }

    private void close() throws XMLStreamException {
        depth--;
        indent();
        xml.writeEndElement();
    }

    private void attributes(String... namesAndValues) throws XMLStreamException {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            xml.writeAttribute(namesAndValues[i], namesAndValues[i + 1]);
        }
    }

    private void indent() throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }
}
