package io.streamcdn.origin.api;

import java.nio.file.Path;

/**
 * A body fully written to {@code uploads/{id}.part}, not yet examined.
 *
 * @param fileName the multipart file name, or null for a raw body
 * @param title    the title the client gave ({@code ?title=} or the form field), raw; null if none
 */
record ReceivedUpload(String id, Path file, long bytes, String fileName, String title) {
}
