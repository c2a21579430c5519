package io.streamcdn.edge.registration;

/**
 * What an edge reports about its current load in each heartbeat. The edge server supplies a fresh one for
 * every beat, so the router ranks edges by what they carry now, not at start.
 *
 * @param openConnections   viewer connections open right now
 * @param bitsPerSecondOut  bits per second sent to viewers, averaged over the last few seconds
 * @param cacheBytes        bytes the disk cache holds (bodies and their metadata)
 * @param cacheMaxBytes     the most bytes the disk cache may hold
 * @param cacheEntries      objects in the disk cache
 */
public record EdgeLoad(int openConnections, long bitsPerSecondOut, long cacheBytes, long cacheMaxBytes,
                       long cacheEntries) {

    public EdgeLoad {
        if (openConnections < 0 || bitsPerSecondOut < 0 || cacheBytes < 0 || cacheMaxBytes < 0 || cacheEntries < 0) {
            throw new IllegalArgumentException("load figures are never negative: " + openConnections
                    + " connections, " + bitsPerSecondOut + " bit/s, " + cacheBytes + "/" + cacheMaxBytes
                    + " cache bytes, " + cacheEntries + " cache entries");
        }
    }
}
