package io.streamcdn.origin.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Who may stream an upload in now: at most {@link UploadLimits#maxConcurrent()} bodies in all, and at most
 * {@link UploadLimits#maxPerClient()} from one client address, so one client (a script in a loop, a stuck
 * retry) cannot take every slot and lock everyone else out. A client is the TCP peer's address: the origin
 * trusts no {@code X-Forwarded-For}.
 */
final class UploadSlots {

    private final UploadLimits limits;
    private final Map<String, Integer> byClient = new HashMap<>();
    private int inUse;

    UploadSlots(UploadLimits limits) {
        this.limits = limits;
    }

    /**
     * Takes a slot for {@code client}; run the returned action exactly once when its upload has ended.
     *
     * @throws UploadRefused 429 when this client already has its share, 503 when every slot is taken
     */
    synchronized Runnable take(String client) {
        int mine = byClient.getOrDefault(client, 0);
        if (mine >= limits.maxPerClient()) {
            throw UploadRefused.clientBusy(client, limits.maxPerClient());
        }
        if (inUse >= limits.maxConcurrent()) {
            throw UploadRefused.busy(limits.maxConcurrent());
        }
        inUse++;
        byClient.put(client, mine + 1);
        return () -> release(client);
    }

    private synchronized void release(String client) {
        inUse--;
        byClient.computeIfPresent(client, (key, count) -> count > 1 ? count - 1 : null);
    }
}
