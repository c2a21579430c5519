package io.streamcdn.media.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The MPEG-DASH MPD schema (ISO/IEC 23009-1) from {@code shared/schemas/dash}, loaded without any network.
 *
 * <p>{@code DASH-MPD.xsd} imports the XLink schema by its W3C URL, which imports {@code xml.xsd}. A resolver
 * maps both to the local copies, and the factory may only read {@code file:} URLs, so a schema location
 * the resolver does not know fails with an access error instead of silently fetching from the internet.
 * Instances are immutable and thread-safe; load one per test class, loading takes about a second.
 */
public final class DashSchema {

    /** Import locations (as written, or as resolved against the importing schema) to local file names. */
    private static final Map<String, String> LOCAL_COPIES = Map.of(
            "http://www.w3.org/XML/2008/06/xlink.xsd", "xlink.xsd",
            "http://www.w3.org/1999/xlink.xsd", "xlink.xsd",
            "http://www.w3.org/XML/2008/06/xml.xsd", "xml.xsd",
            "http://www.w3.org/2001/xml.xsd", "xml.xsd");
    private static final Map<String, String> NAMESPACES = Map.of(
            "http://www.w3.org/1999/xlink", "xlink.xsd",
            XMLConstants.XML_NS_URI, "xml.xsd");

    private final Schema schema;

    private DashSchema(Schema schema) {
        this.schema = schema;
    }

    /** From {@code schemas/dash} under the shared folder: the {@code streamcdn.shared} property, else {@code ../shared}. */
    public static DashSchema fromSharedFolder() {
        return load(SharedFolder.path().resolve("schemas").resolve("dash"));
    }

    public static DashSchema load(Path folder) {
        Path mpdSchema = folder.resolve("DASH-MPD.xsd");
        if (!Files.isRegularFile(mpdSchema)) {
            throw new IllegalStateException("no MPD schema at " + mpdSchema + "; set -Dstreamcdn.shared");
        }
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setResourceResolver(new LocalCopies(folder));
            factory.setErrorHandler(new Strict());
            return new DashSchema(factory.newSchema(new StreamSource(mpdSchema.toFile())));
        } catch (SAXException e) {
            throw new IllegalStateException("cannot load " + mpdSchema + ": " + e.getMessage(), e);
        }
    }

    /** Every schema violation in {@code mpd}, with line and column; empty when it is valid. */
    public List<String> violations(String mpd) {
        List<String> found = new ArrayList<>();
        Validator validator = schema.newValidator();
        try {
            // The document must not pull anything in either (xsi:schemaLocation, DOCTYPE).
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) {
                    found.add(describe(e));
                }

                @Override
                public void fatalError(SAXParseException e) {
                    found.add(describe(e));
                }
            });
            validator.validate(new StreamSource(new StringReader(mpd)));
        } catch (SAXParseException e) {
            // Already reported to the handler (not well-formed); validation stops here.
            if (found.isEmpty()) {
                found.add(describe(e));
            }
        } catch (SAXException e) {
            found.add(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(found);
    }

    /** Throws an {@link AssertionError} listing every violation, with the MPD, unless {@code mpd} is valid. */
    public void requireValid(String mpd) {
        List<String> violations = violations(mpd);
        if (!violations.isEmpty()) {
            throw new AssertionError("MPD is not valid against DASH-MPD.xsd:\n  " + String.join("\n  ", violations)
                    + "\n--- MPD ---\n" + mpd);
        }
    }

    private static String describe(SAXParseException e) {
        return "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage();
    }

    /** Schema errors are bugs in the schema set-up; fail on the first one rather than load half a schema. */
    private static final class Strict implements ErrorHandler {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    private record LocalCopies(Path folder) implements LSResourceResolver {

        @Override
        public LSInput resolveResource(String type, String namespace, String publicId, String systemId,
                                       String baseUri) {
            String local = systemId == null ? null : LOCAL_COPIES.get(systemId);
            if (local == null && systemId != null && baseUri != null && baseUri.startsWith("file:")
                    && !systemId.contains(":")) {
                // A relative location inside a local schema, e.g. xlink.xsd importing "xml.xsd".
                String name = Path.of(systemId).getFileName().toString();
                if (NAMESPACES.containsValue(name)) {
                    local = name;
                }
            }
            if (local == null && namespace != null && systemId == null) {
                local = NAMESPACES.get(namespace);
            }
            if (local == null) {
                // Default resolution, which the factory's file-only access rule turns into a loud error.
                return null;
            }
            return new LocalInput(folder.resolve(local), publicId);
        }
    }

    /** A schema read from a local file, under the identity of that file (so relative imports resolve). */
    private record LocalInput(Path file, String publicId) implements LSInput {

        @Override
        public InputStream getByteStream() {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }

        @Override
        public String getSystemId() {
            return file.toUri().toString();
        }

        @Override
        public String getPublicId() {
            return publicId;
        }

        @Override
        public Reader getCharacterStream() {
            return null;
        }

        @Override
        public String getStringData() {
            return null;
        }

        @Override
        public String getBaseURI() {
            return null;
        }

        @Override
        public String getEncoding() {
            return null;
        }

        @Override
        public boolean getCertifiedText() {
            return false;
        }

        @Override
        public void setCharacterStream(Reader characterStream) {
        }

        @Override
        public void setByteStream(InputStream byteStream) {
        }

        @Override
        public void setStringData(String stringData) {
        }

        @Override
        public void setSystemId(String systemId) {
        }

        @Override
        public void setPublicId(String publicId) {
        }

        @Override
        public void setBaseURI(String baseURI) {
        }

        @Override
        public void setEncoding(String encoding) {
        }

        @Override
        public void setCertifiedText(boolean certifiedText) {
        }
    }
}
