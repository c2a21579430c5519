package io.streamcdn.media;

import java.util.ArrayList;
import java.util.List;

/**
 * A track's segments as a DASH SegmentTimeline: runs of equal, back-to-back durations. Two representations
 * with equal timelines can share one SegmentTemplate. Building one also checks that the track can be
 * addressed by {@link PackageLayout#SEGMENT_TEMPLATE} at all, which the HLS writer relies on as well.
 *
 * @param entries runs in order; {@code start} is written as {@code S@t} only where the timeline does not
 *                simply continue (the first run, and after a gap or overlap in the encoder's output)
 */
record SegmentTimeline(int timescale, List<Entry> entries) {

    /** {@code repeat} more segments follow the first, each {@code duration} long (DASH {@code S@r}). */
    record Entry(long start, long duration, int repeat, boolean explicitStart) {

        long end() {
            return start + duration * (repeat + 1L);
        }
    }

    SegmentTimeline {
        entries = List.copyOf(entries);
    }

    static SegmentTimeline of(Ladder.Track track) {
        requireAddressable(track);
        List<Entry> entries = new ArrayList<>();
        for (Ladder.Segment segment : track.segments()) {
            Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            boolean continues = last != null && last.end() == segment.start();
            if (continues && last.duration() == segment.duration()) {
                entries.set(entries.size() - 1,
                        new Entry(last.start(), last.duration(), last.repeat() + 1, last.explicitStart()));
            } else {
                entries.add(new Entry(segment.start(), segment.duration(), 0, !continues));
            }
        }
        return new SegmentTimeline(track.timescale(), entries);
    }

    /** Total duration of the segments, in the track's timescale. */
    long duration() {
        return entries.stream().mapToLong(e -> e.duration() * (e.repeat() + 1L)).sum();
    }

    long maxSegmentDuration() {
        return entries.stream().mapToLong(Entry::duration).max().orElse(0);
    }

    /**
     * Both manifests name segment files by number from 1 ($Number$ with startNumber 1, media sequence 1),
     * so a track whose numbers skip or do not start at 1 would point players at files that do not exist.
     */
    static void requireAddressable(Ladder.Track track) {
        PackageLayout.requireTrackId(track.id());
        if (track.timescale() <= 0) {
            throw new IllegalArgumentException("track " + track.id() + " has timescale " + track.timescale());
        }
        if (track.segments().isEmpty()) {
            throw new IllegalArgumentException("track " + track.id() + " has no segments");
        }
        int expected = 1;
        for (Ladder.Segment segment : track.segments()) {
            if (segment.number() != expected) {
                throw new IllegalArgumentException("track " + track.id() + ": segment " + segment.number()
                        + " found where " + expected + " was expected; segments must be numbered 1, 2, 3, ...");
            }
            if (segment.duration() <= 0 || segment.start() < 0) {
                throw new IllegalArgumentException("track " + track.id() + ": segment " + segment.number()
                        + " has start " + segment.start() + " and duration " + segment.duration());
            }
            expected++;
        }
    }
}
