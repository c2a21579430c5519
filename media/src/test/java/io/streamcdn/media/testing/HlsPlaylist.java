package io.streamcdn.media.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed HLS playlist (RFC 8216), multivariant or media, for asserting on what a player would read.
 *
 * <p>Parsing is strict where a lenient player would hide our bugs: the first line must be {@code #EXTM3U},
 * every {@code EXTINF} and {@code EXT-X-STREAM-INF} must be followed by a URI, attribute lists must be well
 * formed, and a playlist cannot mix variants with segments. Unknown tags are kept, not rejected.
 */
public final class HlsPlaylist {

    /** An {@code EXT-X-STREAM-INF} and the URI of its media playlist. */
    public record Variant(Map<String, String> attributes, String uri) {

        public long bandwidth() {
            return Long.parseLong(attributes.get("BANDWIDTH"));
        }

        public Optional<String> attribute(String name) {
            return Optional.ofNullable(attributes.get(name));
        }
    }

    /** An {@code EXT-X-MEDIA} rendition. */
    public record Rendition(Map<String, String> attributes) {

        public Optional<String> attribute(String name) {
            return Optional.ofNullable(attributes.get(name));
        }
    }

    /** A media segment: its {@code EXTINF} duration exactly as written, and its URI. */
    public record Segment(BigDecimal duration, String uri) {
    }

    private final List<String> tags;
    private final List<Variant> variants;
    private final List<Rendition> renditions;
    private final List<Segment> segments;

    private HlsPlaylist(List<String> tags, List<Variant> variants, List<Rendition> renditions,
                        List<Segment> segments) {
        this.tags = List.copyOf(tags);
        this.variants = List.copyOf(variants);
        this.renditions = List.copyOf(renditions);
        this.segments = List.copyOf(segments);
    }

    public static HlsPlaylist parse(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty() || !lines.get(0).equals("#EXTM3U")) {
            throw new IllegalArgumentException("a playlist starts with #EXTM3U");
        }
        List<String> tags = new ArrayList<>();
        List<Variant> variants = new ArrayList<>();
        List<Rendition> renditions = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        String pending = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#EXT")) {
                if (pending != null) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": " + pending + " is not followed by a URI");
                }
                tags.add(line);
                if (line.startsWith("#EXTINF:") || line.startsWith("#EXT-X-STREAM-INF:")) {
                    pending = line;
                } else if (line.startsWith("#EXT-X-MEDIA:")) {
                    renditions.add(new Rendition(attributes(value(line))));
                }
            } else if (line.startsWith("#")) {
                continue; // a comment
            } else if (pending == null) {
                throw new IllegalArgumentException("line " + (i + 1) + ": URI '" + line + "' has no EXTINF or STREAM-INF");
            } else {
                if (pending.startsWith("#EXTINF:")) {
                    String duration = value(pending).split(",", 2)[0];
                    segments.add(new Segment(new BigDecimal(duration), line));
                } else {
                    variants.add(new Variant(attributes(value(pending)), line));
                }
                pending = null;
            }
        }
        if (pending != null) {
            throw new IllegalArgumentException(pending + " at the end is not followed by a URI");
        }
        if (!variants.isEmpty() && !segments.isEmpty()) {
            throw new IllegalArgumentException("a playlist is either multivariant or media, not both");
        }
        return new HlsPlaylist(tags, variants, renditions, segments);
    }

    public boolean isMultivariant() {
        return !variants.isEmpty();
    }

    public List<Variant> variants() {
        return variants;
    }

    public List<Rendition> renditions() {
        return renditions;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Every tag line, in order, as written. */
    public List<String> tags() {
        return tags;
    }

    /** The value after the colon of the only {@code #name:} tag; absent if there is none. */
    public Optional<String> tag(String name) {
        List<String> values = tags.stream()
                .filter(t -> t.startsWith(name + ":"))
                .map(HlsPlaylist::value)
                .toList();
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " appears " + values.size() + " times");
        }
        return values.stream().findFirst();
    }

    public boolean hasTag(String name) {
        return tags.stream().anyMatch(t -> t.equals(name) || t.startsWith(name + ":"));
    }

    public int version() {
        return Integer.parseInt(tag("#EXT-X-VERSION").orElse("1"));
    }

    public int targetDuration() {
        return Integer.parseInt(tag("#EXT-X-TARGETDURATION")
                .orElseThrow(() -> new IllegalArgumentException("no #EXT-X-TARGETDURATION")));
    }

    public long mediaSequence() {
        return Long.parseLong(tag("#EXT-X-MEDIA-SEQUENCE").orElse("0"));
    }

    /** The init segment URI of {@code EXT-X-MAP}. */
    public Optional<String> mapUri() {
        return tag("#EXT-X-MAP").map(v -> attributes(v).get("URI"));
    }

    public boolean isEnded() {
        return hasTag("#EXT-X-ENDLIST");
    }

    /** The sum of the EXTINF durations as written. */
    public BigDecimal totalDuration() {
        return segments.stream().map(Segment::duration).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static String value(String tag) {
        int colon = tag.indexOf(':');
        return colon < 0 ? "" : tag.substring(colon + 1);
    }

    /** An RFC 8216 attribute list: {@code NAME=value} pairs, commas inside quoted strings kept. */
    static Map<String, String> attributes(String list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        int i = 0;
        while (i < list.length()) {
            int equals = list.indexOf('=', i);
            if (equals < 0) {
                throw new IllegalArgumentException("attribute without value in '" + list + "'");
            }
            String name = list.substring(i, equals);
            if (!name.matches("[A-Z0-9-]+")) {
                throw new IllegalArgumentException("bad attribute name '" + name + "' in '" + list + "'");
            }
            String value;
            int next;
            if (equals + 1 < list.length() && list.charAt(equals + 1) == '"') {
                int close = list.indexOf('"', equals + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated quoted string in '" + list + "'");
                }
                value = list.substring(equals + 2, close);
                next = close + 1;
            } else {
                int comma = list.indexOf(',', equals);
                next = comma < 0 ? list.length() : comma;
                value = list.substring(equals + 1, next);
            }
            if (attributes.put(name, value) != null) {
                throw new IllegalArgumentException("attribute " + name + " appears twice in '" + list + "'");
            }
            if (next < list.length() && list.charAt(next) != ',') {
                throw new IllegalArgumentException("expected ',' after " + name + " in '" + list + "'");
            }
            i = next + 1;
        }
        return attributes;
    }
}
