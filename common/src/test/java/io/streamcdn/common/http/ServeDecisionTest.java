package io.streamcdn.common.http;

import io.streamcdn.common.http.ServeDecision.Full;
import io.streamcdn.common.http.ServeDecision.NotModified;
import io.streamcdn.common.http.ServeDecision.Partial;
import io.streamcdn.common.http.ServeDecision.PreconditionFailed;
import io.streamcdn.common.http.ServeDecision.RangeNotSatisfiable;
import io.streamcdn.common.http.ServeDecision.Request;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9110 §13.2.2's evaluation order, over one file, without a server. */
class ServeDecisionTest {

    private static final long MODIFIED_MILLIS = 1_709_294_400_123L; // 2024-03-01T12:00:00.123Z
    private static final EntityTag TAG = EntityTag.strong("3e8-18dfa1b1e3b");
    private static final Validators FILE = Validators.of(1000, TAG, MODIFIED_MILLIS / 1000);
    private static final String ETAG = TAG.toString();
    private static final String LAST_MODIFIED = HttpDate.format(MODIFIED_MILLIS);
    private static final String EARLIER = HttpDate.format(MODIFIED_MILLIS - 1000);
    private static final String LATER = HttpDate.format(MODIFIED_MILLIS + 60_000);

    private static ServeDecision decide(boolean isGet, String ifMatch, String ifNoneMatch, String ifModifiedSince,
                                        String ifUnmodifiedSince, String range, String ifRange) {
        return ServeDecision.decide(new Request(isGet, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince,
                range, ifRange), FILE);
    }

    private static ServeDecision get(String ifNoneMatch, String ifModifiedSince, String range, String ifRange) {
        return decide(true, null, ifNoneMatch, ifModifiedSince, null, range, ifRange);
    }

    @Test
    void aPlainGetGetsTheWholeFile() {
        assertThat(ServeDecision.decide(Request.get(), FILE)).isEqualTo(new Full());
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertThat(get(ETAG, null, null, null)).isEqualTo(new NotModified());
        assertThat(get("W/" + ETAG, null, null, null)).isEqualTo(new NotModified());
        assertThat(get("\"a\", " + ETAG, null, null, null)).isEqualTo(new NotModified());
        assertThat(get("\"a\",W/" + ETAG + ",\"b\"", null, null, null)).isEqualTo(new NotModified());
        assertThat(get("*", null, null, null)).isEqualTo(new NotModified());
        assertThat(get("\"a\", \"b\"", null, null, null)).isEqualTo(new Full());
        assertThat(get("garbage", null, null, null)).isEqualTo(new Full());
    }

    @Test
    void ifModifiedSinceComparesWholeSeconds() {
        assertThat(get(null, LAST_MODIFIED, null, null)).isEqualTo(new NotModified());
        assertThat(get(null, LATER, null, null)).isEqualTo(new NotModified());
        assertThat(get(null, EARLIER, null, null)).isEqualTo(new Full());
        assertThat(get(null, "not a date", null, null)).isEqualTo(new Full());
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
        assertThat(get("\"stale\"", LATER, null, null)).isEqualTo(new Full());
    }

    @Test
    void headIsConditionalToo() {
        assertThat(decide(false, null, ETAG, null, null, null, null)).isEqualTo(new NotModified());
    }

    @Test
    void aRangeOnGetGivesAPartialAnswer() {
        assertThat(get(null, null, "bytes=0-99", null)).isEqualTo(new Partial(new ByteRange(0, 100)));
        assertThat(get(null, null, "bytes=-100", null)).isEqualTo(new Partial(new ByteRange(900, 100)));
    }

    @Test
    void headIgnoresRange() {
        assertThat(decide(false, null, null, null, null, "bytes=0-99", null)).isEqualTo(new Full());
    }

    @Test
    void aRangeBeyondTheEndIsUnsatisfiable() {
        assertThat(get(null, null, "bytes=1000-", null)).isEqualTo(new RangeNotSatisfiable());
    }

    @Test
    void malformedAndMultipleRangesAreIgnored() {
        assertThat(get(null, null, "bytes=x", null)).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=0-1,5-6", null)).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=5000-6000,7000-8000", null)).isEqualTo(new Full());
    }

    @Test
    void aMatchingIfNoneMatchWinsOverRange() {
        assertThat(get(ETAG, null, "bytes=0-99", null)).isEqualTo(new NotModified());
    }

    @Test
    void ifRangeNeedsAStrongMatchOrTheExactDate() {
        Partial partial = new Partial(new ByteRange(0, 10));
        assertThat(get(null, null, "bytes=0-9", ETAG)).isEqualTo(partial);
        assertThat(get(null, null, "bytes=0-9", LAST_MODIFIED)).isEqualTo(partial);
        assertThat(get(null, null, "bytes=0-9", "W/" + ETAG)).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=0-9", "\"other\"")).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=0-9", LATER)).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=0-9", "garbage")).isEqualTo(new Full());
        assertThat(get(null, null, "bytes=5000-", "\"other\"")).as("a failed If-Range also skips the 416")
                .isEqualTo(new Full());
    }

    @Test
    void ifRangeWithoutRangeIsIgnored() {
        assertThat(get(null, null, null, "\"other\"")).isEqualTo(new Full());
    }

    @Test
    void ifMatchNeedsAStrongMatch() {
        assertThat(decide(true, ETAG, null, null, null, null, null)).isEqualTo(new Full());
        assertThat(decide(true, "*", null, null, null, null, null)).isEqualTo(new Full());
        assertThat(decide(true, "W/" + ETAG, null, null, null, null, null)).isInstanceOf(PreconditionFailed.class);
        assertThat(decide(true, "\"other\"", null, null, null, null, null)).isInstanceOf(PreconditionFailed.class);
    }

    @Test
    void ifUnmodifiedSinceFailsWhenTheFileIsNewer() {
        assertThat(decide(true, null, null, null, EARLIER, null, null)).isInstanceOf(PreconditionFailed.class);
        assertThat(decide(true, null, null, null, LAST_MODIFIED, null, null)).isEqualTo(new Full());
        assertThat(decide(true, null, null, null, "bad date", null, null)).isEqualTo(new Full());
    }

    @Test
    void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() {
        assertThat(decide(true, ETAG, null, null, EARLIER, null, null)).isEqualTo(new Full());
    }

    @Test
    void preconditionsAreCheckedBeforeIfNoneMatch() {
        assertThat(decide(true, "\"other\"", ETAG, null, null, null, null)).isInstanceOf(PreconditionFailed.class);
    }

    @Test
    void aRepresentationWithoutValidatorsIsNeverNotModifiedExceptForAStar() {
        Validators bare = new Validators(1000, java.util.Optional.empty(), java.util.OptionalLong.empty());
        assertThat(ServeDecision.decide(new Request(true, null, ETAG, null, null, null, null), bare))
                .isInstanceOf(Full.class);
        assertThat(ServeDecision.decide(new Request(true, null, null, LAST_MODIFIED, null, null, null), bare))
                .isInstanceOf(Full.class);
        assertThat(ServeDecision.decide(new Request(true, null, "*", null, null, null, null), bare))
                .isInstanceOf(NotModified.class);
        assertThat(ServeDecision.decide(new Request(true, ETAG, null, null, null, null, null), bare))
                .isInstanceOf(PreconditionFailed.class);
        assertThat(ServeDecision.decide(new Request(true, null, null, null, null, "bytes=0-9", LAST_MODIFIED), bare))
                .isInstanceOf(Full.class);
    }
}
