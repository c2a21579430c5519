package io.streamcdn.media.testing;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * A parsed MPD with each representation's segments worked out as a DASH client would: SegmentTemplate
 * attributes inherited Period, AdaptationSet, Representation (nearest wins), the SegmentTimeline expanded
 * ({@code t}, {@code d}, {@code r}) and the {@code $...$} identifiers substituted. Tests compare the result
 * with the HLS playlists and with the files on disk. Only what the project writes is supported
 * (SegmentTemplate with a SegmentTimeline, non-negative {@code r}); anything else fails loudly.
 */
public final class DashManifest {

    public static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";

    /** One addressed media segment: URI relative to the MPD, start and duration in {@code timescale}. */
    public record Segment(long number, long start, long duration, String uri) {
    }

    public record Representation(Element element, String id, String contentType, long bandwidth, int timescale,
                                 String initialization, List<Segment> segments) {

        public String attribute(String name) {
            return inherited(element, name);
        }

        /** Sum of the segment durations, in {@link #timescale()}. */
        public long duration() {
            return segments.stream().mapToLong(Segment::duration).sum();
        }
    }

    public record AdaptationSet(Element element, String contentType, List<Representation> representations) {

        public String attribute(String name) {
            return element.getAttribute(name);
        }
    }

    private static final Pattern IDENTIFIER = Pattern.compile("\\$(RepresentationID|Number|Time|Bandwidth)(%0(\\d+)d)?\\$|\\$\\$");

    private final Document document;
    private final List<AdaptationSet> adaptationSets;

    private DashManifest(Document document, List<AdaptationSet> adaptationSets) {
        this.document = document;
        this.adaptationSets = List.copyOf(adaptationSets);
    }

    public static DashManifest parse(String mpd) {
        Document document = read(mpd);
        Element root = document.getDocumentElement();
        if (!NAMESPACE.equals(root.getNamespaceURI()) || !"MPD".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not an MPD: root is {" + root.getNamespaceURI() + "}" + root.getLocalName());
        }
        List<AdaptationSet> sets = new ArrayList<>();
        for (Element period : children(root, "Period")) {
            for (Element set : children(period, "AdaptationSet")) {
                List<Representation> representations = new ArrayList<>();
                for (Element representation : children(set, "Representation")) {
                    representations.add(representation(representation));
                }
                sets.add(new AdaptationSet(set, set.getAttribute("contentType"), representations));
            }
        }
        return new DashManifest(document, sets);
    }

    public Document document() {
        return document;
    }

    public Element root() {
        return document.getDocumentElement();
    }

    public List<AdaptationSet> adaptationSets() {
        return adaptationSets;
    }

    public List<AdaptationSet> adaptationSets(String contentType) {
        return adaptationSets.stream().filter(s -> s.contentType().equals(contentType)).toList();
    }

    public List<Representation> representations() {
        return adaptationSets.stream().flatMap(s -> s.representations().stream()).toList();
    }

    public Representation representation(String id) {
        return representations().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no representation " + id));
    }

    /** The child elements of {@code parent} in the MPD namespace called {@code name}. */
    public static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && NAMESPACE.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    private static Representation representation(Element representation) {
        String id = representation.getAttribute("id");
        Map<String, String> template = new LinkedHashMap<>();
        Element timeline = null;
        // Outermost first, so nearer levels overwrite: Period, AdaptationSet, Representation.
        Element set = (Element) representation.getParentNode();
        for (Element level : List.of((Element) set.getParentNode(), set, representation)) {
            for (Element segmentTemplate : children(level, "SegmentTemplate")) {
                var attributes = segmentTemplate.getAttributes();
                for (int i = 0; i < attributes.getLength(); i++) {
                    template.put(attributes.item(i).getNodeName(), attributes.item(i).getNodeValue());
                }
                List<Element> timelines = children(segmentTemplate, "SegmentTimeline");
                if (!timelines.isEmpty()) {
                    timeline = timelines.get(0);
                }
            }
        }
        if (timeline == null || !template.containsKey("media")) {
            throw new IllegalArgumentException("representation " + id + " has no SegmentTemplate with a SegmentTimeline");
        }
        long bandwidth = Long.parseLong(representation.getAttribute("bandwidth"));
        int timescale = Integer.parseInt(template.getOrDefault("timescale", "1"));
        long number = Long.parseLong(template.getOrDefault("startNumber", "1"));
        String media = template.get("media");
        List<Segment> segments = new ArrayList<>();
        long time = 0;
        for (Element s : children(timeline, "S")) {
            if (!s.getAttribute("t").isEmpty()) {
                time = Long.parseLong(s.getAttribute("t"));
            }
            long d = Long.parseLong(s.getAttribute("d"));
            long r = s.getAttribute("r").isEmpty() ? 0 : Long.parseLong(s.getAttribute("r"));
            if (r < 0) {
                throw new IllegalArgumentException("open-ended S@r=" + r + " in a static MPD is not supported");
            }
            for (long k = 0; k <= r; k++) {
                segments.add(new Segment(number, time, d, substitute(media, id, number, time, bandwidth)));
                number++;
                time += d;
            }
        }
        String initialization = template.containsKey("initialization")
                ? substitute(template.get("initialization"), id, 0, 0, bandwidth) : null;
        return new Representation(representation, id, inherited(representation, "contentType"), bandwidth, timescale,
                initialization, segments);
    }

    /** ISO/IEC 23009-1 5.3.9.4.4 template identifiers. */
    static String substitute(String template, String id, long number, long time, long bandwidth) {
        Matcher m = IDENTIFIER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1) == null) {
                value = "$";
            } else {
                long n = switch (m.group(1)) {
                    case "Number" -> number;
                    case "Time" -> time;
                    case "Bandwidth" -> bandwidth;
                    default -> -1;
                };
                value = n < 0 ? id : m.group(3) == null ? Long.toString(n)
                        : String.format(Locale.ROOT, "%0" + m.group(3) + "d", n);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** An attribute of {@code element} or, as DASH inherits common attributes, of its nearest ancestor. */
    private static String inherited(Element element, String name) {
        for (Node n = element; n instanceof Element e; n = n.getParentNode()) {
            if (e.hasAttribute(name)) {
                return e.getAttribute(name);
            }
        }
        return "";
    }

    private static Document read(String mpd) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newDocumentBuilder().parse(new InputSource(new StringReader(mpd)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("MPD is not well-formed XML: " + e.getMessage(), e);
        }
    }
}
