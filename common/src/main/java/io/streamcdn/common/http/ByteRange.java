package io.streamcdn.common.http;

/**
 * A satisfiable range of a file: {@code length} bytes from {@code offset}, always inside the file.
 */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    /** The position of the last byte (ranges are inclusive on the wire). */
    public long last() {
        return offset + length - 1;
    }

    /** The {@code Content-Range} value of a 206: {@code bytes 0-499/1234}. */
    public String contentRange(long size) {
        return "bytes " + offset + "-" + last() + "/" + size;
    }
}
