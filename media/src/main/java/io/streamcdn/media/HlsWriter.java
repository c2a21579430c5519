package io.streamcdn.media;

import java.util.Locale;

/**
 * Writes HLS playlists (RFC 8216, version 7) over the same CMAF files the MPD describes: a multivariant
 * playlist with one variant per video rung sharing one audio rendition group, and one media playlist per
 * track ({@code EXT-X-MAP} for the init segment, then the numbered segments with their exact durations).
 */
public final class HlsWriter {

    static final String AUDIO_GROUP = "audio";

    private HlsWriter() {
    }

    public static String master(Ladder ladder) {
        StringBuilder m = new StringBuilder(1024);
        m.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        Ladder.Track audio = ladder.audio();
        if (audio != null) {
            m.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(AUDIO_GROUP)
                    .append("\",NAME=\"Audio\",LANGUAGE=\"und\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"")
                    .append(audio.channels()).append("\",URI=\"").append(audio.id()).append('/')
                    .append(PackageLayout.MEDIA_PLAYLIST).append("\"\n");
        }
        for (Ladder.Track v : ladder.video()) {
            long peak = v.peakBandwidth() + (audio == null ? 0 : audio.peakBandwidth());
            long average = v.averageBandwidth() + (audio == null ? 0 : audio.averageBandwidth());
            String codecs = audio == null ? v.codecs() : v.codecs() + "," + audio.codecs();
            m.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak).append(",AVERAGE-BANDWIDTH=").append(average)
                    .append(",CODECS=\"").append(codecs).append("\",RESOLUTION=").append(v.width()).append('x')
                    .append(v.height()).append(",FRAME-RATE=")
                    .append(String.format(Locale.ROOT, "%.3f", v.frameRate().value()));
            if (audio != null) {
                m.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
            }
            m.append('\n').append(v.id()).append('/').append(PackageLayout.MEDIA_PLAYLIST).append('\n');
        }
        return m.toString();
    }

    /** The media playlist of one track; segment URIs are relative to the track's folder. */
    public static String media(Ladder.Track track) {
        long targetDuration = 1;
        for (Ladder.Segment s : track.segments()) {
            // RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, must not exceed the target.
            targetDuration = Math.max(targetDuration, Math.round((double) s.duration() / track.timescale()));
        }
        StringBuilder m = new StringBuilder(64 * track.segments().size() + 256);
        m.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:").append(targetDuration).append('\n')
                .append("#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n")
                .append("#EXT-X-MAP:URI=\"").append(PackageLayout.INIT).append("\"\n");
        for (Ladder.Segment s : track.segments()) {
            m.append(String.format(Locale.ROOT, "#EXTINF:%.6f,%n", (double) s.duration() / track.timescale()))
                    .append(PackageLayout.segmentFile(s.number())).append('\n');
        }
        m.append("#EXT-X-ENDLIST\n");
        return m.toString();
    }
}
