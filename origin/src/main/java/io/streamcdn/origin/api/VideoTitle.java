package io.streamcdn.origin.api;

/**
 * Titles as the catalog keeps them: control characters removed, trimmed, at most {@value #MAX_LENGTH}
 * characters (longer ones are cut, not refused: by the time a multipart title arrives the video has been
 * uploaded, and refusing it for a long name would waste the upload).
 */
final class VideoTitle {

    static final int MAX_LENGTH = 200;
    static final String UNTITLED = "Untitled";

    private VideoTitle() {
    }

    /** The given title if it has any text, else the uploaded file's name, else "Untitled". */
    static String choose(String given, String fileName) {
        String title = clean(given);
        if (title.isEmpty()) {
            title = clean(fileName);
        }
        return title.isEmpty() ? UNTITLED : title;
    }

    static String clean(String raw) {
        if (raw == null) {
            return "";
        }
        String text = raw.replaceAll("\\p{Cntrl}", " ").strip();
        if (text.codePointCount(0, text.length()) > MAX_LENGTH) {
            text = text.substring(0, text.offsetByCodePoints(0, MAX_LENGTH)).strip();
        }
        return text;
    }
}
