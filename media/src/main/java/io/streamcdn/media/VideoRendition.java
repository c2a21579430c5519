package io.streamcdn.media;

/**
 * A rung planned for one source: the exact output size (even, aspect ratio kept) and x264 rate control.
 * {@code id} names the representation and its folder ({@code 720p}).
 *
 * @param maxrateKbps VBV maximum rate: peaks a player must be able to fetch
 * @param bufsizeKbits VBV buffer: how long a peak may last
 */
public record VideoRendition(String id, int width, int height, int bitrateKbps, int maxrateKbps, int bufsizeKbits) {
}
