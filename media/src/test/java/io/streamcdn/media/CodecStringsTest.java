package io.streamcdn.media;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecStringsTest {

    @Test
    void readsProfileConstraintsAndLevelFromAnnexBSps() {
        // start code, SPS NAL header (0x67), profile 100 (High), constraints 0, level 31
        byte[] annexB = {0, 0, 0, 1, 0x67, 100, 0, 31, 1, 2, 3, 0, 0, 0, 1, 0x68, 1};
        assertThat(CodecStrings.avc(annexB)).isEqualTo("avc1.64001f");
    }

    @Test
    void readsAvcDecoderConfigurationRecord() {
        byte[] avcC = {1, 77, 64, 30, (byte) 0xff};
        assertThat(CodecStrings.avc(avcC)).isEqualTo("avc1.4d401e");
    }

    @Test
    void refusesHeadersWithoutAnSps() {
        assertThatThrownBy(() -> CodecStrings.avc(new byte[] {0, 0, 1, 0x68, 1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
