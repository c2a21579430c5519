package io.streamcdn.media;

import java.util.Locale;

/**
 * RFC 6381 {@code codecs} values, which players use to decide whether they can play a representation
 * before fetching it. For H.264 the value carries the SPS's profile, constraint flags and level, so it
 * is read from the encoder's own header rather than assumed.
 */
final class CodecStrings {

    static final String AAC_LC = "mp4a.40.2";

    private CodecStrings() {
    }

    /**
     * {@code avc1.PPCCLL} from H.264 extradata, either an avcC record (first byte 1) or Annex B NAL units
     * (what libx264 emits with a global header).
     */
    static String avc(byte[] extradata) {
        if (extradata.length >= 4 && extradata[0] == 1) {
            return format(extradata[1], extradata[2], extradata[3]);
        }
        for (int i = 0; i + 4 < extradata.length; i++) {
            boolean startCode = extradata[i] == 0 && extradata[i + 1] == 0 && extradata[i + 2] == 1;
            if (startCode && (extradata[i + 3] & 0x1f) == 7 && i + 6 < extradata.length) {
                return format(extradata[i + 4], extradata[i + 5], extradata[i + 6]);
            }
        }
        throw new IllegalArgumentException("no H.264 sequence parameter set in the encoder header");
    }

    private static String format(byte profile, byte constraints, byte level) {
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profile & 0xff, constraints & 0xff, level & 0xff);
    }
}
