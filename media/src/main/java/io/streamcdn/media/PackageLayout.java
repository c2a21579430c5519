package io.streamcdn.media;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names inside a published video folder. DASH and HLS share the same init and media segments:
 * <pre>
 *   manifest.mpd          MPEG-DASH, SegmentTemplate over $RepresentationID$/seg-$Number%05d$.m4s
 *   master.m3u8           HLS multivariant playlist
 *   poster.jpg
 *   720p/init.mp4         CMAF header (ftyp + moov)
 *   720p/seg-00001.m4s    CMAF fragments (moof + mdat), numbered from 1
 *   720p/playlist.m3u8    HLS media playlist over the same files
 *   audio/...             the audio track, same shape
 * </pre>
 */
public final class PackageLayout {

    public static final String MPD = "manifest.mpd";
    public static final String HLS_MASTER = "master.m3u8";
    public static final String POSTER = "poster.jpg";
    public static final String INIT = "init.mp4";
    public static final String MEDIA_PLAYLIST = "playlist.m3u8";
    public static final String AUDIO_ID = "audio";
    /** DASH template for media segments, relative to the MPD. */
    public static final String SEGMENT_TEMPLATE = "$RepresentationID$/seg-$Number%05d$.m4s";
    public static final String INIT_TEMPLATE = "$RepresentationID$/" + INIT;

    /** Track ids are folder names and are substituted into URL templates, so they stay plain. */
    private static final Pattern TRACK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private PackageLayout() {
    }

    /** {@code seg-00001.m4s}: the file name of segment {@code number} inside its representation folder. */
    public static String segmentFile(int number) {
        // Locale.ROOT: some locales format digits in their own script, which would not name the file.
        return String.format(Locale.ROOT, "seg-%05d.m4s", number);
    }

    static String requireTrackId(String id) {
        if (id == null || !TRACK_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("track id '" + id + "' cannot be a folder and URL segment;"
                    + " use letters, digits, '.', '_' or '-', e.g. 720p");
        }
        return id;
    }
}
