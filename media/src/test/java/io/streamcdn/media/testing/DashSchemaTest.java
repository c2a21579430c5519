package io.streamcdn.media.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator other tests lean on must be able to say no, and must never reach for the network. */
class DashSchemaTest {

    private static final DashSchema SCHEMA = DashSchema.fromSharedFolder();

    private static final String VALID = """
            <?xml version="1.0" encoding="UTF-8"?>
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011"
                 type="static" mediaPresentationDuration="PT4S" minBufferTime="PT2S">
              <Period>
                <AdaptationSet contentType="video" mimeType="video/mp4">
                  <SegmentTemplate timescale="1000" media="$RepresentationID$/seg-$Number%05d$.m4s" startNumber="1">
                    <SegmentTimeline><S t="0" d="2000" r="1"/></SegmentTimeline>
                  </SegmentTemplate>
                  <Representation id="720p" bandwidth="3000000" codecs="avc1.64001f" width="1280" height="720"/>
                </AdaptationSet>
              </Period>
            </MPD>
            """;

    @Test
    void acceptsAValidMpd() {
        assertThat(SCHEMA.violations(VALID)).isEmpty();
    }

    @Test
    void rejectsAnMpdMissingARequiredAttribute() {
        String noBandwidth = VALID.replace(" bandwidth=\"3000000\"", "");

        assertThat(SCHEMA.violations(noBandwidth)).singleElement().asString().contains("bandwidth");
        assertThatThrownBy(() -> SCHEMA.requireValid(noBandwidth)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("bandwidth");
    }

    @Test
    void rejectsElementsOutOfSchemaOrder() {
        String templateAfterRepresentation = VALID
                .replace("<Representation id=\"720p\" bandwidth=\"3000000\" codecs=\"avc1.64001f\" width=\"1280\" height=\"720\"/>", "")
                .replace("</SegmentTemplate>",
                        "</SegmentTemplate><Representation id=\"720p\" bandwidth=\"3000000\"/><SegmentBase/>");

        assertThat(SCHEMA.violations(templateAfterRepresentation)).isNotEmpty();
    }

    @Test
    void rejectsADocumentThatIsNotWellFormed() {
        assertThat(SCHEMA.violations(VALID.replace("</Period>", ""))).isNotEmpty();
    }

    @Test
    void refusesToFetchAnImportItHasNoLocalCopyOf(@TempDir Path folder) throws IOException {
        Path shared = SharedFolder.path().resolve("schemas").resolve("dash");
        String schema = Files.readString(shared.resolve("DASH-MPD.xsd"))
                .replace("http://www.w3.org/XML/2008/06/xlink.xsd", "http://schemas.invalid/xlink.xsd");
        Files.writeString(folder.resolve("DASH-MPD.xsd"), schema);

        assertThatThrownBy(() -> DashSchema.load(folder))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'http' access is not allowed");
    }
}
