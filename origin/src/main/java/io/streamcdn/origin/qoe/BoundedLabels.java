package io.streamcdn.origin.qoe;

import java.util.HashSet;
import java.util.Set;

/**
 * The values one metric label may take when clients supply them: the first {@code max} distinct values are
 * kept, every later one becomes {@code other}. Each value is a time series in Prometheus for as long as the
 * origin runs, so a client that invents a name per beacon must not be able to grow the registry.
 */
final class BoundedLabels {

    static final String OTHER = "other";

    private final int max;
    private final Set<String> kept = new HashSet<>();

    BoundedLabels(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("keep at least one label value, not " + max);
        }
        this.max = max;
    }

    /** {@code value} if it is already kept or there is room for it, else {@code other}. */
    synchronized String label(String value) {
        if (kept.contains(value) || kept.size() < max && kept.add(value)) {
            return value;
        }
        return OTHER;
    }

    synchronized int size() {
        return kept.size();
    }
}
