package io.streamcdn.media.testing;

import java.nio.file.Path;

/** The shared test data (../shared, or the folder given by the {@code streamcdn.shared} system property). */
public final class TestMedia {

    private TestMedia() {
    }

    public static Path shared() {
        return SharedFolder.path();
    }

    /** 854x480 HEVC + AAC, 10 s; the video starts 2.235 s after the audio. */
    public static Path clip480p() {
        return shared().resolve("media/bbb-480p-10s.mp4");
    }

    /** 640x360 HEVC + AAC, 10 s; the video starts 2.235 s after the audio. */
    public static Path clip360p() {
        return shared().resolve("media/bbb-360p-10s.mp4");
    }

    public static Path dashSchema() {
        return shared().resolve("schemas/dash/DASH-MPD.xsd");
    }
}
