package io.streamcdn.origin.serve;

import io.streamcdn.common.http.EntityTag;
import io.streamcdn.common.http.HttpDate;
import io.streamcdn.common.http.Validators;

/**
 * What identifies one version of a file for HTTP validators: its size and modification time.
 *
 * <p>The ETag is {@code "<size hex>-<mtime millis hex>"}, strong. The inode is deliberately left out:
 * two origins holding copies of the same published video (a replica, a restore with {@code rsync -a})
 * then give the same tags, so an edge revalidating against either gets a 304 instead of a full refetch.
 * Published files are never rewritten in place (a re-encode publishes a new folder by rename), so size
 * and mtime change whenever the content does.
 */
public record FileVersion(long size, long lastModifiedMillis) {

    public EntityTag etag() {
        return EntityTag.strong(Long.toHexString(size) + "-" + Long.toHexString(lastModifiedMillis));
    }

    /** Last-Modified has whole seconds; comparisons with client dates use this. */
    public long lastModifiedSeconds() {
        return Math.floorDiv(lastModifiedMillis, 1000);
    }

    /** What conditional and range requests for this file are judged against. */
    public Validators validators() {
        return Validators.of(size, etag(), lastModifiedSeconds());
    }

    public String lastModified() {
        return HttpDate.format(lastModifiedMillis);
    }
}
