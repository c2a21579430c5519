package io.streamcdn.common.http;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a conditional or range request is judged against: the size of the representation and its
 * validators. A file on the origin has both validators; a response an edge cached has whichever its
 * upstream sent.
 *
 * @param size                 bytes in the whole representation
 * @param etag                 its entity tag, if known
 * @param lastModifiedSeconds  its Last-Modified in epoch seconds (HTTP dates have whole seconds), if known
 */
public record Validators(long size, Optional<EntityTag> etag, OptionalLong lastModifiedSeconds) {

    public Validators {
        if (size < 0) {
            throw new IllegalArgumentException("a size is never negative: " + size);
        }
    }

    public static Validators of(long size, EntityTag etag, long lastModifiedSeconds) {
        return new Validators(size, Optional.of(etag), OptionalLong.of(lastModifiedSeconds));
    }
}
