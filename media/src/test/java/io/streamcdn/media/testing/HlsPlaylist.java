package io.streamcdn.media.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small, strict reader of the HLS playlists we write, for tests: tags, variants and segments. */
public final class HlsPlaylist {

    private static final Pattern ATTRIBUTE = Pattern.compile("([A-Z0-9-]+)=(\"[^\"]*\"|[^,]*)");

    public record Variant(Map<String, String> attributes, String uri) {
    }

    public record Segment(double duration, String uri) {
    }

    private final List<String> tags = new ArrayList<>();
    private final List<Variant> variants = new ArrayList<>();
    private final List<Map<String, String>> media = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();

    public static HlsPlaylist parse(String text) {
        HlsPlaylist p = new HlsPlaylist();
        List<String> lines = text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty() || !lines.get(0).equals("#EXTM3U")) {
            throw new IllegalArgumentException("a playlist starts with #EXTM3U");
        }
        Map<String, String> pendingVariant = null;
        Double pendingDuration = null;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("#EXT-X-STREAM-INF:")) {
                pendingVariant = attributes(line.substring("#EXT-X-STREAM-INF:".length()));
            } else if (line.startsWith("#EXT-X-MEDIA:")) {
                p.media.add(attributes(line.substring("#EXT-X-MEDIA:".length())));
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                pendingDuration = Double.parseDouble(value.substring(0, value.indexOf(',')));
            } else if (line.startsWith("#")) {
                p.tags.add(line);
            } else if (pendingVariant != null) {
                p.variants.add(new Variant(pendingVariant, line));
                pendingVariant = null;
            } else if (pendingDuration != null) {
                p.segments.add(new Segment(pendingDuration, line));
                pendingDuration = null;
            } else {
                throw new IllegalArgumentException("a URI with no #EXTINF or #EXT-X-STREAM-INF before it: " + line);
            }
        }
        return p;
    }

    private static Map<String, String> attributes(String list) {
        Map<String, String> values = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(list);
        while (m.find()) {
            String v = m.group(2);
            values.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return values;
    }

    /** The value of a single-valued tag such as {@code #EXT-X-TARGETDURATION}, or null. */
    public String tag(String name) {
        for (String t : tags) {
            if (t.equals(name)) {
                return "";
            }
            if (t.startsWith(name + ":")) {
                return t.substring(name.length() + 1);
            }
        }
        return null;
    }

    public List<String> tags() {
        return tags;
    }

    public List<Variant> variants() {
        return variants;
    }

    public List<Map<String, String>> media() {
        return media;
    }

    public List<Segment> segments() {
        return segments;
    }
}
