package io.streamcdn.media;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes HLS playlists (RFC 8216) over the same CMAF files as the MPD: a multivariant playlist with one
 * variant per video track and the audio track as a rendition group, and a media playlist per track that
 * lives in the track's folder and names its files relative to it.
 *
 * <p>Version 7 because media playlists use {@code EXT-X-MAP} for the fMP4 init segment (version 6 and up).
 * Media sequence numbers start at 1 so that sequence number n is {@code seg-0000n.m4s}, which makes logs
 * and player errors from either protocol point at the same file.
 */
public final class HlsWriter {

    private HlsWriter() {
    }

    /** The multivariant playlist, {@link PackageLayout#HLS_MASTER}, next to the track folders. */
    public static String master(Ladder ladder) {
        Objects.requireNonNull(ladder, "ladder");
        if (ladder.video().isEmpty()) {
            throw new IllegalArgumentException("a ladder without video tracks has nothing to stream");
        }
        Ladder.Track audio = ladder.audio();
        StringBuilder m3u8 = new StringBuilder()
                .append("#EXTM3U\n")
                .append("#EXT-X-VERSION:7\n")
                .append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (audio != null) {
            m3u8.append('\n')
                    .append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"Audio\",DEFAULT=YES,AUTOSELECT=YES")
                    .append(",CHANNELS=\"").append(audio.channels()).append('"')
                    .append(",URI=\"").append(playlistUri(audio)).append("\"\n");
        }
        m3u8.append('\n');
        for (Ladder.Track video : ladder.video()) {
            Objects.requireNonNull(video.frameRate(), () -> "video track " + video.id() + " has no frame rate");
            // A variant is what the client downloads at once: its video plus the audio rendition.
            long peak = video.peakBandwidth() + (audio == null ? 0 : audio.peakBandwidth());
            long average = video.averageBandwidth() + (audio == null ? 0 : audio.averageBandwidth());
            String codecs = audio == null ? video.codecs() : video.codecs() + "," + audio.codecs();
            m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak)
                    .append(",AVERAGE-BANDWIDTH=").append(average)
                    .append(",CODECS=\"").append(codecs).append('"')
                    .append(",RESOLUTION=").append(video.width()).append('x').append(video.height())
                    .append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", video.frameRate().value()));
            if (audio != null) {
                m3u8.append(",AUDIO=\"audio\"");
            }
            m3u8.append('\n').append(playlistUri(video)).append('\n');
        }
        return m3u8.toString();
    }

    /**
     * The media playlist of one track, {@link PackageLayout#MEDIA_PLAYLIST} in its folder.
     *
     * <p>The target duration is the longest EXTINF rounded to the nearest integer, the rule RFC 8216
     * section 4.3.3.1 states ("when rounded to the nearest integer, MUST be less than or equal to"), applied to
     * the durations as written. Rounding up instead would announce 3 s for a ladder of 2.002 s segments.
     */
    public static String media(Ladder.Track track) {
        SegmentTimeline.requireAddressable(track);
        List<BigDecimal> durations = new ArrayList<>();
        for (Ladder.Segment segment : track.segments()) {
            durations.add(BigDecimal.valueOf(segment.duration())
                    .divide(BigDecimal.valueOf(track.timescale()), 6, RoundingMode.HALF_UP));
        }
        BigDecimal longest = durations.stream().max(BigDecimal::compareTo).orElseThrow();
        int targetDuration = Math.max(1, longest.setScale(0, RoundingMode.HALF_UP).intValueExact());

        StringBuilder m3u8 = new StringBuilder()
                .append("#EXTM3U\n")
                .append("#EXT-X-VERSION:7\n")
                .append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n')
                .append("#EXT-X-MEDIA-SEQUENCE:").append(track.segments().get(0).number()).append('\n')
                .append("#EXT-X-PLAYLIST-TYPE:VOD\n")
                .append("#EXT-X-INDEPENDENT-SEGMENTS\n")
                .append("#EXT-X-MAP:URI=\"").append(PackageLayout.INIT).append("\"\n");
        for (int i = 0; i < durations.size(); i++) {
            m3u8.append("#EXTINF:").append(durations.get(i).toPlainString()).append(",\n")
                    .append(PackageLayout.segmentFile(track.segments().get(i).number())).append('\n');
        }
        return m3u8.append("#EXT-X-ENDLIST\n").toString();
    }

    /** Where the master playlist finds a track's media playlist: {@code 720p/playlist.m3u8}. */
    static String playlistUri(Ladder.Track track) {
        return PackageLayout.requireTrackId(track.id()) + "/" + PackageLayout.MEDIA_PLAYLIST;
    }
}
