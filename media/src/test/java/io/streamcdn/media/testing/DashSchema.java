package io.streamcdn.media.testing;

import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Validates MPDs against the MPEG-DASH schema in ../shared/schemas/dash. The schema imports the W3C xlink
 * and xml schemas by URL; they are resolved to the local copies next to it, and every other external
 * access is forbidden, so validation never touches the network and fails loudly if it would.
 */
public final class DashSchema {

    private final Schema schema;

    public DashSchema() {
        Path dir = TestMedia.dashSchema().getParent();
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            factory.setResourceResolver(new LocalSchemas(dir));
            schema = factory.newSchema(new StreamSource(TestMedia.dashSchema().toFile()));
        } catch (SAXException e) {
            throw new IllegalStateException("cannot load the DASH schema", e);
        }
    }

    /** Throws {@link SAXException} with the first violation, e.g. a missing required attribute. */
    public void validate(String mpd) throws SAXException, IOException {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.validate(new StreamSource(new StringReader(mpd)));
    }

    public void validate(Path mpd) throws SAXException, IOException {
        validate(Files.readString(mpd));
    }

    private record LocalSchemas(Path dir) implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String namespace, String publicId, String systemId, String baseUri) {
            if (systemId == null) {
                return null;
            }
            String name = systemId.substring(systemId.lastIndexOf('/') + 1);
            Path local = dir.resolve(name);
            if (!Files.isRegularFile(local)) {
                throw new IllegalStateException("schema import not available locally: " + systemId);
            }
            return new LocalInput(local, publicId, local.toUri().toString());
        }
    }

    private record LocalInput(Path file, String publicId, String systemId) implements LSInput {
        @Override
        public InputStream getByteStream() {
            try {
                return Files.newInputStream(file);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override public String getPublicId() { return publicId; }
        @Override public String getSystemId() { return systemId; }
        @Override public Reader getCharacterStream() { return null; }
        @Override public String getStringData() { return null; }
        @Override public String getBaseURI() { return systemId; }
        @Override public String getEncoding() { return null; }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCharacterStream(Reader r) { }
        @Override public void setByteStream(InputStream s) { }
        @Override public void setStringData(String s) { }
        @Override public void setSystemId(String s) { }
        @Override public void setPublicId(String s) { }
        @Override public void setBaseURI(String s) { }
        @Override public void setEncoding(String s) { }
        @Override public void setCertifiedText(boolean b) { }
    }
}
